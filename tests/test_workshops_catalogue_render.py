"""The catalogue renders its rows without a CSRF token and a round of gettext look-ups per row:
both are taken once per list, so a page of 20 sessions asks as often as a page of 2."""

import functools

import flask_wtf.csrf
import pytest

from extensions import db
from tests import factories
from tests import factories_dashboard as fd


@pytest.fixture
def org(app):
    org = factories.small_org()
    db.session.commit()
    return org


def _sessions(organizer, count: int, offset: int = 0) -> None:
    for i in range(count):
        w = fd.workshop(organizer, title=f"Pelatihan Katalog {offset + i}")
        fd.session(w, days=5 + offset + i, capacity=3)
    db.session.commit()


def _calls(app, client, url: str, monkeypatch) -> tuple[int, int, str]:
    env = app.jinja_env
    counted = {"csrf": 0, "gettext": 0}
    originals = {name: env.globals[name] for name in ("gettext", "ngettext")}
    generate = flask_wtf.csrf.generate_csrf

    def csrf(*args, **kwargs):
        counted["csrf"] += 1
        return generate(*args, **kwargs)

    # Flask-WTF's context processor looks the function up in its module on every render.
    monkeypatch.setattr(flask_wtf.csrf, "generate_csrf", csrf)

    def counting(name, key):
        @functools.wraps(originals[name])  # keeps Jinja's pass_context mark
        def call(*args, **kwargs):
            counted[key] += 1
            return originals[name](*args, **kwargs)

        return call

    env.globals["gettext"] = counting("gettext", "gettext")
    env.globals["ngettext"] = counting("ngettext", "gettext")
    env.cache.clear()  # templates compiled before the swap keep no reference to the old ones
    try:
        response = client.get(url, headers={"HX-Request": "true"})
    finally:
        env.globals.update(originals)
        env.cache.clear()
        monkeypatch.setattr(flask_wtf.csrf, "generate_csrf", generate)
    assert response.status_code == 200
    return counted["csrf"], counted["gettext"], response.get_data(as_text=True)


def test_catalogue_asks_for_the_token_and_words_once_per_list(app, org, monkeypatch):
    client = app.test_client()
    client.post("/masuk", data={"identifier": org.staff_a1.email, "password": factories.PASSWORD})
    _sessions(org.organizer, 2)
    csrf_small, words_small, html_small = _calls(app, client, "/pelatihan/", monkeypatch)
    assert html_small.count('name="csrf_token"') == 2
    _sessions(org.organizer, 18, offset=2)
    csrf_large, words_large, html_large = _calls(app, client, "/pelatihan/", monkeypatch)
    assert html_large.count('name="csrf_token"') == 20
    assert csrf_small == csrf_large == 1
    assert words_small == words_large
    # The words are still there, translated, with their numbers filled in.
    assert "4 JP" in html_large and "3 dari 3 kursi tersisa" in html_large
    assert ">Daftar<" in html_large.replace("\n", "").replace(" ", "")


def test_catalogue_rows_follow_the_language(app, org):
    client = app.test_client()
    client.post("/masuk", data={"identifier": org.staff_a1.email, "password": factories.PASSWORD})
    _sessions(org.organizer, 1)
    org.staff_a1.locale = "en"
    db.session.commit()
    html = client.get("/pelatihan/").get_data(as_text=True)
    assert "3 of 3 places left" in html
    assert "kursi tersisa" not in html
    assert ">Register<" in html.replace("\n", "").replace(" ", "")
