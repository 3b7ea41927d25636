"""Every text of the dashboard templates goes through the translation functions, and the pages
render in Indonesian by default."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates" / "dashboard").glob("*.html"))
PYTHON = sorted((ROOT / "blueprints" / "dashboard").glob("*.py"))
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _bare_text(source: str) -> str:
    """What a template shows that no translation function produced."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return " ".join(re.findall(r"[A-Za-z]{2,}", text))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_has_no_untranslated_text(path):
    source = path.read_text()
    assert _bare_text(source) == ""
    # Attributes read aloud or shown are translated too.
    for attribute in re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', source):
        assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\{\{.*?\}\}", "", attribute)), attribute


def test_the_dashboard_says_something_in_every_file():
    messages = set()
    for path in [*TEMPLATES, *PYTHON]:
        method = "jinja2" if path.suffix == ".html" else "python"
        options = {"extensions": "jinja2.ext.do"} if method == "jinja2" else {}
        for _line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options
        ):
            messages.add(message[0] if isinstance(message, tuple) else message)
    assert "Karier Saya" in messages and "Dasbor Pimpinan" in messages
    assert "Dasbor Penyelenggara" in messages and "Yang perlu Anda tangani" in messages
    # Indonesian source strings (a few English words would show up here).
    english = {"the", "and", "with", "your", "you", "for", "this"}
    for message in messages:
        words = set(re.findall(r"[a-z]+", message.lower()))
        assert not words & english, message


def test_pages_are_indonesian_by_default(org, client, login_as):
    login_as(org.lurah_a)
    for url in ("/", "/karier", "/dasbor/pimpinan"):
        html = client.get(url).get_data(as_text=True)
        assert '<html lang="id">' in html
    assert "Karier Saya" in client.get("/karier").get_data(as_text=True)
