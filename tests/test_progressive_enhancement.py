"""Every htmx action is a real form or link first (DEVELOPERS.md standard 3): on every page each
demo role can reach (tests/pagecrawl.py), every element carrying an htmx request is checked.

- An htmx POST sits on a <form method="post"> whose action is the same URL, so that the form
  does the same without JavaScript; or, for a destructive action asked first (data-confirm), on
  a GET form to the same URL, which without JavaScript opens the question page (common/confirm)
  that then posts; or it is an autosave inside a POST form (the survey draft), which only saves
  earlier what the form sends anyway.
- An htmx GET sits on a link with a real address (it may open a fuller page than the fragment:
  the team view's quick feedback opens the whole form), on a form with an action, on a field of
  a form that reacts to typing (the form's own button does the same), or on an element that no
  person clicks: a refresh on a timer or on an event from elsewhere (the notification badge).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.pagecrawl import DEMO_PASSWORD, DEMO_ROLES, crawl, seed_for_crawl

HX_VERBS = ("data-hx-post", "data-hx-put", "data-hx-patch", "data-hx-delete", "data-hx-get")
VOID = {"input", "br", "img", "hr", "meta", "link", "source", "col", "wbr", "area", "base"}


class _HtmxActions(HTMLParser):
    """(problem, tag, attributes) for every element whose htmx request has no plain fallback."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.checked = 0
        self._open: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        verb = next((v for v in HX_VERBS if v in attrs), None)
        if verb:
            self.checked += 1
            problem = self._problem(tag, attrs, verb)
            if problem:
                self.problems.append(f"{problem}: <{tag} {attrs}>")
        if tag not in VOID:
            self._open.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i][0] == tag:
                del self._open[i:]
                break

    def _enclosing_form(self):
        return next((a for t, a in reversed(self._open) if t == "form"), None)

    def _problem(self, tag, attrs, verb) -> str | None:
        url = attrs[verb]
        form = self._enclosing_form()
        trigger = attrs.get("data-hx-trigger", "")
        if verb != "data-hx-get":
            if tag == "form" and _path(attrs.get("action")) == _path(url):
                method = (attrs.get("method") or "get").lower()
                if method == "post" or (method == "get" and "data-confirm" in attrs):
                    return None
                return "htmx POST on a GET form that asks nothing first"
            if tag == "form":
                return "htmx POST on a form that posts elsewhere"
            if form is not None and "change" in trigger and _method(form) == "post":
                return None
            return "htmx POST outside a plain form"
        if tag == "a":
            href = attrs.get("href") or ""
            return None if href and not href.startswith("#") else "htmx link without an address"
        if tag == "form":
            return None if attrs.get("action") else "htmx GET form without an action"
        if form is not None and any(word in trigger for word in ("input", "change", "search")):
            return None
        if trigger and all(_not_a_click(part) for part in trigger.split(",")):
            return None
        return "htmx GET on an element that is neither a link nor a form"


def _method(form: dict) -> str:
    return (form.get("method") or "get").lower()


def _not_a_click(part: str) -> bool:
    part = part.strip()
    return part.startswith("every ") or " from:" in f" {part}" or part in ("load", "revealed")


def _path(url: str | None) -> str | None:
    return urlsplit(url).path if url else None


def test_every_htmx_action_has_a_plain_form_or_link(csrf_app):
    result = csrf_app.test_cli_runner().invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    seed_for_crawl(csrf_app)
    problems: list[str] = []
    checked = 0
    for role in DEMO_ROLES:
        for page in crawl(csrf_app, role):
            parser = _HtmxActions()
            parser.feed(page.html)
            checked += parser.checked
            problems += [f"{role} {page.url}: {p}" for p in parser.problems]
    assert checked >= 50, checked  # the crawl reached the htmx pages
    assert not problems, "\n".join(problems[:40])


def _problems(html: str) -> list[str]:
    parser = _HtmxActions()
    parser.feed(html)
    return parser.problems


def test_the_check_tells_a_fallback_from_a_missing_one():
    fine = [
        '<form method="post" action="/a" data-hx-post="/a"><button>Go</button></form>',
        '<form method="get" action="/a/hapus" data-hx-post="/a/hapus" data-confirm="Yakin?"></form>',
        '<form method="post" action="/s"><div data-hx-post="/d" data-hx-trigger="change"></div>'
        "</form>",
        '<a href="/baru?x=1" data-hx-get="/cepat/1">Beri</a>',
        '<form method="get" action="/cari"><input data-hx-get="/cari" '
        'data-hx-trigger="input changed delay:300ms, search"></form>',
        '<span data-hx-get="/n" data-hx-trigger="every 60s, changed from:body"></span>',
    ]
    broken = [
        '<button data-hx-post="/a">Go</button>',
        '<form method="post" action="/b" data-hx-post="/a"></form>',
        '<form method="get" action="/a" data-hx-post="/a"></form>',
        '<a href="#" data-hx-get="/x">x</a>',
        '<div data-hx-get="/x" data-hx-trigger="click">x</div>',
        '<div data-hx-post="/d" data-hx-trigger="change"></div>',
    ]
    assert [html for html in fine if _problems(html)] == []
    assert [html for html in broken if not _problems(html)] == []
