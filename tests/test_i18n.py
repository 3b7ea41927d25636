"""Indonesian first, English complete; dates in Indonesian, times in WIB."""

from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from blueprints.common import timefmt
from extensions import db

ROOT = Path(__file__).resolve().parents[1]
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        METHOD_MAP,
        keywords=KEYWORDS,
        options_map={"**/templates/**.html": {"extensions": "jinja2.ext.do"}},
        directory_filter=lambda d: (
            not any(part in d for part in (".venv", "node_modules", "tests", "migrations", ".git"))
        ),
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.add(msgid)
    return found


def test_english_catalog_translates_every_ui_string():
    with open(ROOT / "translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    missing = []
    for msgid in sorted(_source_messages()):
        entry = catalog.get(msgid)
        text = entry.string if entry else None
        if isinstance(text, tuple):
            text = text[0]
        if not text or (entry and entry.fuzzy):
            missing.append(msgid)
    assert not missing, f"{len(missing)} strings lack English: {missing[:15]}"


def test_indonesian_by_default_english_after_switch_remembered_per_user(app, org, login_as):
    client = app.test_client()
    login = client.get("/masuk").get_data(as_text=True)
    assert '<html lang="id">' in login and "Masuk" in login
    client.post("/masuk", data={"identifier": org.staff_a1.email, "password": "rahasia-uji-123"})
    assert "Beranda" in client.get("/").get_data(as_text=True)
    client.post("/bahasa", data={"lang": "en", "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Home" in english and "Beranda" not in english
    db.session.refresh(org.staff_a1)
    assert org.staff_a1.locale == "en"
    # Another device, a new session: still English, because it is remembered on the account.
    other = app.test_client()
    other.post("/masuk", data={"identifier": org.staff_a1.email, "password": "rahasia-uji-123"})
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_language_switch_works_before_login(client):
    response = client.post("/bahasa", data={"lang": "en", "next": "/masuk"})
    assert response.headers["Location"] == "/masuk"
    page = client.get("/masuk").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page


def test_language_switch_ignores_foreign_next(client):
    response = client.post("/bahasa", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_dates_are_indonesian_and_times_in_wib(app):
    moment = datetime(2026, 8, 17, 1, 30, tzinfo=UTC)  # 08:30 in Marelan
    with app.test_request_context():
        text = timefmt.format_wib(moment)
        assert "Agu" in text and "08.30" in text and text.endswith("WIB")
        assert timefmt.format_wib_date(datetime(2026, 12, 31, 18, 0, tzinfo=UTC)) == "1 Jan 2027"


def test_wib_year_boundary():
    start, end = timefmt.wib_year_bounds(2027)
    assert start == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert end == datetime(2027, 12, 31, 17, 0, tzinfo=UTC)


def test_form_validation_messages_are_indonesian_then_english(client):
    indonesian = client.post("/masuk", data={"identifier": "", "password": ""}).get_data(
        as_text=True
    )
    assert "Isian ini wajib diisi." in indonesian
    client.post("/bahasa", data={"lang": "en", "next": "/masuk"})
    english = client.post("/masuk", data={"identifier": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in english
