"""The glossary's words (docs/glossary.md): quarters written "Triwulan IV 2026" / "Q4 2026", always
with the year; "pelatihan", not "program pelatihan"."""

import re

import pytest
from flask_babel import force_locale

from blueprints.common.timefmt import today_wib
from blueprints.dashboard import services
from extensions import db
from tests import factories_workshops as fw
from tests.factories_admin import sign_in

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _this_quarter() -> tuple[int, int]:
    today = today_wib()
    return (today.month - 1) // 3 + 1, today.year


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_quarter_numerals_per_language(app, quarter):
    with app.test_request_context():
        with force_locale("id"):
            assert services.quarter_numeral(quarter) == ROMAN[quarter]
        with force_locale("en"):
            assert services.quarter_numeral(quarter) == str(quarter)


def test_leader_dashboard_writes_the_quarter_with_roman_numerals_and_the_year(client, org):
    quarter, year = _this_quarter()
    sign_in(client, org.camat)
    text = _text(client.get("/dasbor/pimpinan").get_data(as_text=True))
    assert f"menerima umpan balik Triwulan {ROMAN[quarter]} {year} (" in text
    assert f"Triwulan {quarter} " not in text
    people = _text(client.get("/dasbor/pimpinan/pegawai?ukuran=ub-belum").get_data(as_text=True))
    assert f"Belum menerima umpan balik Triwulan {ROMAN[quarter]} {year}" in people


def test_english_people_list_reads_q4_not_qiv(client, org):
    quarter, year = _this_quarter()
    org.camat.locale = "en"
    db.session.commit()
    sign_in(client, org.camat)
    people = _text(client.get("/dasbor/pimpinan/pegawai?ukuran=ub-sudah").get_data(as_text=True))
    assert f"Received feedback in Q{quarter} {year}" in people
    assert f"Q{ROMAN[quarter]} " not in people


def test_english_leader_dashboard_reads_q4_with_the_year(client, org):
    """Fails until the English catalogue has the new msgid (translations/en)."""
    quarter, year = _this_quarter()
    org.camat.locale = "en"
    db.session.commit()
    sign_in(client, org.camat)
    text = _text(client.get("/dasbor/pimpinan").get_data(as_text=True))
    assert f"received feedback in Q{quarter} {year} (" in text
    assert f"Q{ROMAN[quarter]}" not in text


def test_saving_a_training_says_pelatihan(client, org):
    fw.fast_logins()
    topic = fw.topic("Presentasi")
    sign_in(client, org.organizer)
    data = {
        "title": "Teknik Presentasi",
        "description": "Menyusun paparan.",
        "competency_type": "manajerial",
        "topics": [str(topic.id)],
        "learning_form": "klasikal",
        "learning_kind": "pelatihan",
        "active": "y",
    }
    created = client.post("/pelatihan/kelola/program/baru", data=data, follow_redirects=True)
    html = created.get_data(as_text=True)
    assert "Pelatihan dibuat. Tambahkan sesinya." in html and "Program pelatihan" not in html
    edit_url = created.request.path + "/ubah"
    saved = client.post(edit_url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "Pelatihan disimpan." in saved and "Program pelatihan" not in saved


def test_no_catalog_entry_uses_a_word_the_glossary_replaces():
    """docs/glossary.md lists words we do not use: 'walk-in', 'no-show', 'programme' (English:
    on-the-day participant, absent, training), and in Indonesian 'walk-in', 'no-show' and
    'program pelatihan'. Every live entry of the catalogs, in both languages, keeps to it."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    with open(root / "translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    english = re.compile(r"walk-in|no-show|programme", re.IGNORECASE)
    indonesian = re.compile(r"walk-in|no-show|program pelatihan", re.IGNORECASE)
    offenders = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        offenders += [text for text in ids if indonesian.search(text)]
        offenders += [text for text in strings if text and english.search(text)]
    assert offenders == []
