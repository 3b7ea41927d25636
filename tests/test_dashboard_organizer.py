"""Organizer dashboard: fill and waitlist, attendance to mark, evaluations (with their minimum),
records to verify, and workshop demand from feedback, plans and weak survey dimensions."""

from datetime import timedelta

from flask import g

from blueprints.common.timefmt import utcnow
from blueprints.dashboard import organizer as organizer_services
from blueprints.surveys import waves as survey_waves
from blueprints.workshops.models import Evaluation, Topic
from extensions import db
from tests import factories_dashboard as fd
from tests import factories_feedback as ff


def _fresh():
    for name in list(vars(g)):
        delattr(g, name)


def _evaluate(session, *scores):
    for relevance, usefulness, facilitator in scores:
        db.session.add(
            Evaluation(
                session_id=session.id,
                relevance=relevance,
                usefulness=usefulness,
                facilitator=facilitator,
                comment="",
            )
        )


def test_sessions_attendance_evaluations_records(org, client, login_as):
    w = fd.workshop(org.organizer, "Komunikasi Efektif")
    full = fd.session(w, days=4, capacity=2)
    for person in (org.staff_a1, org.staff_a2):
        fd.register(full, person)
    fd.register(full, org.staff_b1, status="waitlisted")
    open_ = fd.session(w, days=6, capacity=10)
    fd.register(open_, org.staff_b1)
    fd.register(open_, org.staff_sek, status="pending_approval")
    to_mark = fd.session(w, days=-1)
    fd.register(to_mark, org.staff_a1, attended=True)
    fd.register(to_mark, org.staff_a2)
    few = fd.session(w, days=-20, status="completed")
    enough = fd.session(w, days=-10, status="completed")
    _evaluate(few, (5, 5, 5), (4, 4, 4))
    _evaluate(enough, (5, 4, 3), (4, 4, 4), (3, 2, 5))
    other = fd.session(fd.workshop(None, "Bukan program saya"), days=3)
    record = fd.external(org.staff_b1, title="Kursus Excel")
    db.session.commit()

    _fresh()
    data = organizer_services.organizer_dashboard(org.organizer)
    assert [
        (s.id, taken, waiting, pending) for s, taken, waiting, pending, _a in data.upcoming
    ] == [
        (full.id, 2, 1, 0),
        (open_.id, 1, 0, 1),
    ]
    assert other.id not in {row[0].id for row in data.upcoming}
    assert [(s.id, c, a) for s, c, a in data.attendance.items] == [(to_mark.id, 2, 1)]
    evaluations = {row.session.id: row for row in data.evaluations}
    assert evaluations[few.id].count == 2 and evaluations[few.id].relevance is None
    assert evaluations[enough.id].count == 3
    assert evaluations[enough.id].relevance == (5 + 4 + 3) / 3
    assert evaluations[enough.id].usefulness == (4 + 4 + 2) / 3
    assert evaluations[enough.id].facilitator == (3 + 4 + 5) / 3
    assert [r.id for r in data.records.items] == [record.id]

    login_as(org.organizer)
    html = client.get("/dasbor/penyelenggara").get_data(as_text=True)
    assert "2/2" in html and "penuh" in html
    assert f"/pelatihan/kelola/sesi/{to_mark.id}/peserta" in html
    assert f"/pelatihan/kelola/sesi/{enough.id}/laporan" in html
    assert "4,0" in html  # relevance of `enough`
    assert "Bukan program saya" not in html


def test_demand_merges_feedback_plans_and_weak_survey_dimensions(app, org, client, login_as):
    ff.competency_dictionary()  # the tags' names come from the competency dictionary
    presentasi = Topic(name="Presentasi")
    komunikasi = Topic(name="Komunikasi publik")
    db.session.add_all([presentasi, komunikasi])
    db.session.flush()
    recommended = fd.workshop(org.organizer, "Teknik Presentasi", topics=[presentasi])
    fd.session(recommended, days=9)
    lurah = org.lurah_a
    fd.feedback(lurah, org.staff_a1, competencies=["presentasi"], workshops=[recommended])
    fd.feedback(lurah, org.staff_a2, competencies=["presentasi", "komunikasi"])
    fd.feedback(
        lurah, org.staff_a1, competencies=["presentasi"], sent_at=utcnow() - timedelta(days=400)
    )
    fd.feedback(lurah, org.staff_a2, competencies=["presentasi"], status="draft")
    fd.goal(org.staff_a1, competency="presentasi")
    fd.goal(org.staff_a2, competency="presentasi", status="cancelled")
    # A closed wave: five people of Kelurahan A, every Likert answer 4 after keying, so each of
    # the four resistance dimensions (mean 4 > 3.0) is flagged in Kelurahan A and the kecamatan.
    wave = fd.wave([org.kec], opens=-30, closes=-20)
    fd._responses(wave, [fd.employee_in(org.kel_a, f"Responden {i}") for i in range(5)])
    survey_waves.close_wave(wave)
    db.session.commit()

    _fresh()
    with app.test_request_context():
        demand = organizer_services.demand()
    by_topic = {t.key: t for t in demand.topics}
    # Komunikasi publik: 1 tag; emotional reaction and cognitive rigidity suggest it, 2 units each.
    assert (by_topic["komunikasi publik"].feedback, by_topic["komunikasi publik"].surveys) == (1, 4)
    # Presentasi: 2 tags in the last year (not the old one, not the draft) + 1 recommendation;
    # 1 open goal (not the cancelled one); one upcoming session.
    p = by_topic["presentasi"]
    assert (p.feedback, p.plans, p.surveys, p.total, p.upcoming) == (3, 1, 0, 4, 1)
    assert [t.key for t in demand.topics][:2] == ["komunikasi publik", "manajemen perubahan"]
    assert by_topic["manajemen perubahan"].surveys == 2 + 2  # routine seeking, short-term focus
    assert {w.name: w.units for w in demand.weak} == {
        d.name: 2 for d in wave.instrument.dimensions if d.construct == "resistance"
    }
    assert demand.competencies[0][:4] == ("presentasi", "Teknik presentasi", 2, 1)
    assert demand.recommended == [(recommended.id, "Teknik Presentasi", 1)]

    login_as(org.organizer)
    html = client.get("/dasbor/penyelenggara").get_data(as_text=True)
    assert f"/pelatihan/?topic={presentasi.id}" in html
    assert "Kebutuhan pelatihan" in html
    # Counts only: no feedback text reaches the organizer.
    assert "Perbaiki cara menjelaskan persyaratan." not in html
