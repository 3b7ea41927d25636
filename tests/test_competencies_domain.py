"""Domain corrections of issue 16 item 8 (domain.md §1, §4): an NI PPPK whose appointment year is in
the future is refused; the Sekretaris Lurah and Kepala Seksi of a kelurahan are pengawas."""

from datetime import date

import pytest
from sqlalchemy import select

from blueprints.auth import nip
from blueprints.auth.models import Employee
from extensions import db


def test_ni_pppk_with_an_appointment_year_in_the_future_is_refused():
    today = date(2026, 6, 15)
    assert nip.parse("199009132025242014", "PPPK", today=today).digits == "199009132025242014"
    assert nip.parse("199009132026242014", "PPPK", today=today)
    with pytest.raises(nip.NipError) as error:
        nip.parse("199009132027242014", "PPPK", today=today)
    assert "masa depan" in str(error.value)


def test_kelurahan_secretaries_and_section_heads_are_pengawas(app, demo):
    rows = db.session.execute(
        select(Employee.jabatan, Employee.jenis_jabatan).where(
            Employee.jabatan.in_(
                (
                    "Sekretaris Lurah",
                    "Kepala Seksi Pemerintahan Kelurahan",
                    "Kepala Seksi Ketenteraman dan Ketertiban",
                )
            )
        )
    ).all()
    assert rows and {jenis for _j, jenis in rows} == {"pengawas"}


def test_feedback_can_be_tagged_sosial_kultural_and_counts_as_evidence(app, org, client, login_as):
    from blueprints.competencies import dictionary, gaps
    from blueprints.competencies.models import CompetencyAssessment, CompetencyStandard
    from blueprints.feedback.models import Feedback, FeedbackCompetency
    from tests import factories_feedback as ff

    dictionary.install_builtin()
    perekat = dictionary.by_code("perekat_bangsa")
    db.session.add(
        CompetencyStandard(jabatan="Pelaksana", competency_id=perekat.id, required_level=3)
    )
    db.session.add(
        CompetencyAssessment(
            employee_id=org.staff_a1.id,
            competency_id=perekat.id,
            level=2,
            source="leader",
            assessed_on=date(2026, 1, 5),
            note="",
            assessed_by_id=org.lurah_a.id,
        )
    )
    db.session.commit()
    login_as(org.lurah_a)
    form = client.get(f"/umpan-balik/baru?untuk={org.staff_a1.id}").get_data(as_text=True)
    assert "Kompetensi sosial kultural" in form and 'value="perekat_bangsa"' in form
    feedback = ff.feedback(org.lurah_a, org.staff_a1, sent=False)
    feedback.competencies.append(FeedbackCompetency(code="perekat_bangsa"))
    feedback.status, feedback.sent_at = "sent", feedback.created_at
    db.session.commit()
    assert db.session.get(Feedback, feedback.id).competency_codes == ["perekat_bangsa"]
    row = next(r for r in gaps.gap_view(org.staff_a1).rows if r.competency.code == "perekat_bangsa")
    assert row.feedback_count == 1


def test_competency_templates_have_no_untranslated_text():
    import re
    from pathlib import Path

    from tests.test_dashboard_i18n import _bare_text

    root = Path(__file__).resolve().parents[1] / "templates" / "competencies"
    for path in sorted(root.glob("*.html")):
        source = path.read_text()
        assert _bare_text(source) == "", path.name
        for attribute in re.findall(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"', source):
            assert not re.search(r"[A-Za-z]{2,}", re.sub(r"\{\{.*?\}\}", "", attribute)), path.name


def test_berakhlak_help_texts_are_the_official_definitions(app):
    from blueprints.feedback.constants import BERAKHLAK

    official = {
        "berorientasi_pelayanan": "Komitmen memberikan pelayanan prima demi kepuasan masyarakat.",
        "akuntabel": "Bertanggung jawab atas kepercayaan yang diberikan.",
        "kolaboratif": "Membangun kerja sama yang sinergis.",
    }
    with app.test_request_context():
        for code, text in official.items():
            assert str(BERAKHLAK[code][1]) == text
