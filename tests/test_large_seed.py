"""`flask seed-large` at a small scale: counts scale, seats are never overbooked, feedback goes down
the tree, survey rows keep the anonymity rules and the stored results are what closing computes,
the same seed gives the same data, the app keeps working on top of it (sequences), and the key
pages render for the root unit's head."""

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from blueprints.auth.models import Employee, Unit
from blueprints.feedback.models import Feedback, FeedbackRequest
from blueprints.surveys import scoring
from blueprints.surveys.models import (
    SurveyAnswer,
    SurveyParticipation,
    SurveyResponse,
    SurveyResponseScore,
    SurveyResultCell,
    SurveyResultNode,
    SurveyWave,
)
from blueprints.workshops.models import Registration, Workshop, WorkshopSession
from extensions import db
from tests.conftest import _empty_all_tables

SCALE = 0.02
PASSWORD = "demo-marelan"


def n(full: int) -> int:
    return max(1, int(full * SCALE))


def seed(runner, seed: int = 6):
    result = runner.invoke(args=["seed-large", "--scale", str(SCALE), "--seed", str(seed)])
    assert result.exit_code == 0, result.output
    return result.output


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def seeded(app, runner):
    seed(runner)
    return app


def test_counts_scale_with_the_data_set(seeded):
    assert count(Employee) == n(5000)
    assert count(Unit) == max(3, n(250))
    assert count(Workshop) == n(400)
    assert count(WorkshopSession) == n(1500)
    assert abs(count(Registration) - n(30000)) <= n(30000) * 0.1
    assert count(Feedback, Feedback.status == "sent") == n(40000)
    assert count(FeedbackRequest) == n(2500)
    waves = db.session.scalars(select(SurveyWave).order_by(SurveyWave.opens_on)).all()
    assert [w.status for w in waves] == ["closed"] * 7 + ["open"]
    assert waves[-1].live_results
    per_wave = min(n(5000), n(3500))
    for wave in waves:
        assert count(SurveyResponse, SurveyResponse.wave_id == wave.id) == per_wave
        assert count(SurveyParticipation, SurveyParticipation.wave_id == wave.id) == per_wave


def test_seats_are_never_overbooked(seeded):
    sessions = {s.id: s for s in db.session.scalars(select(WorkshopSession))}
    rows = db.session.execute(
        select(Registration.session_id, Registration.status, Registration.position)
    ).all()
    confirmed = Counter(r.session_id for r in rows if r.status == "confirmed")
    waiting = Counter(r.session_id for r in rows if r.status == "waitlisted")
    assert confirmed, "no confirmed registrations at all"
    for session_id, taken in confirmed.items():
        assert taken <= sessions[session_id].capacity
    # Nobody waits while a seat is free, and the waitlist exists somewhere.
    for session_id in waiting:
        assert confirmed[session_id] == sessions[session_id].capacity
    positions = [(r.session_id, r.position) for r in rows if r.position is not None]
    assert len(positions) == len(set(positions))
    for session_id, position in positions:
        assert position <= sessions[session_id].queue_seq
    assert {"confirmed", "cancelled"} <= {r.status for r in rows}
    assert all(s.status != "draft" for s in sessions.values() if confirmed[s.id])


def test_feedback_goes_from_leaders_to_people_below_them(seeded):
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    unit_of = dict(db.session.execute(select(Employee.id, Employee.unit_id)).all())
    led = {}
    for unit in units.values():
        led.setdefault(unit.head_id, []).append(unit.path)
    pairs = db.session.execute(select(Feedback.author_id, Feedback.receiver_id)).all()
    assert pairs
    for author, receiver in pairs:
        path = units[unit_of[receiver]].path
        assert author != receiver
        assert any(path.startswith(p) for p in led.get(author, [])), (author, receiver)


def test_survey_rows_keep_the_anonymity_rules_and_stored_figures_match(seeded):
    ids = db.session.scalars(select(SurveyResponse.id)).all()
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids)
    assert len(set(ids)) == len(ids)
    # Only a date (the column type), the unit and the wave: nothing that names a person.
    assert set(SurveyResponse.__table__.c.keys()) == {"id", "wave_id", "unit_id", "submitted_on"}
    # Scores exist for every wave, and exactly where the two-thirds rule says they should.
    assert count(SurveyResponseScore) > 0
    assert count(SurveyAnswer, SurveyAnswer.text.is_not(None)) > 0
    for wave in db.session.scalars(select(SurveyWave).where(SurveyWave.status == "closed")):
        stored = scoring.load_stored([wave.id])[wave.id]
        fresh = scoring.compute_figures(wave, scoring.dimension_ids_of(wave))
        assert {k: (v.visible, v.n) for k, v in stored.nodes.items()} == {
            k: (v.visible, v.n) for k, v in fresh.nodes.items()
        }
        assert stored.cells.keys() == fresh.cells.keys()
        for key, cell in fresh.cells.items():
            assert stored.cells[key].mean == pytest.approx(cell.mean)
            assert stored.cells[key].dist == cell.dist
        assert count(SurveyResultNode, SurveyResultNode.wave_id == wave.id) > 0
        assert count(SurveyResultCell, SurveyResultCell.wave_id == wave.id) > 0


def _fingerprint() -> tuple:
    return (
        db.session.execute(
            select(Registration.session_id, Registration.employee_id, Registration.status).order_by(
                Registration.id
            )
        ).all(),
        db.session.execute(
            select(Feedback.author_id, Feedback.receiver_id, Feedback.occurred_on).order_by(
                Feedback.id
            )
        ).all(),
        sorted(db.session.scalars(select(SurveyResponse.id)).all()),
    )


def test_the_same_seed_gives_the_same_data(app, runner):
    seed(runner)
    first = _fingerprint()
    _empty_all_tables()
    seed(runner)
    assert _fingerprint() == first
    _empty_all_tables()
    seed(runner, seed=7)
    assert _fingerprint() != first


def test_the_app_keeps_working_and_pages_render_for_the_root_head(seeded, client, login_as):
    root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
    head = db.session.get(Employee, root.head_id)
    assert login_as(head, password=PASSWORD).status_code == 303
    closed, open_ = (
        db.session.scalar(
            select(SurveyWave.id).where(SurveyWave.status == status).order_by(SurveyWave.id.desc())
        )
        for status in ("closed", "open")
    )
    for url in (
        f"/survei/hasil/{closed}",
        f"/survei/hasil/{open_}",
        "/dasbor/pimpinan",
        "/umpan-balik/tim",
        "/",
        "/pelatihan/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    # New rows get fresh ids after the bulk load with explicit ids (PostgreSQL sequences).
    session = db.session.scalar(
        select(WorkshopSession)
        .join(Workshop)
        .where(
            WorkshopSession.status == "published",
            Workshop.active.is_(True),
            Workshop.requires_approval.is_(False),
            WorkshopSession.starts_at > func.now(),
        )
        .order_by(WorkshopSession.starts_at.desc())
    )
    staff = db.session.scalar(
        select(Employee)
        .where(
            Employee.id.not_in(select(Unit.head_id).where(Unit.head_id.is_not(None))),
            Employee.id.not_in(
                select(Registration.employee_id).where(Registration.session_id == session.id)
            ),
        )
        .order_by(Employee.id)
    )
    login_as(staff, password=PASSWORD)
    before = count(Registration)
    response = client.post(f"/pelatihan/sesi/{session.id}/daftar", data={"confirm_clash": "1"})
    assert response.status_code == 303
    assert count(Registration) == before + 1
    requests_before = count(FeedbackRequest)
    response = client.post(
        "/umpan-balik/permintaan/baru", data={"topic": "Laporan bulan ini", "detail": ""}
    )
    assert response.status_code in (200, 303)
    assert count(FeedbackRequest) == requests_before + 1


def test_scale_10_draws_50000_distinct_valid_numbers():
    """At --scale 10 random birth dates repeat; the seeder draws again rather than repeat a NIP
    (PostgreSQL refused the whole load on a duplicate before)."""
    import random

    from blueprints.auth import nip as nip_rules
    from blueprints.auth.large import _nip

    rng, used = random.Random(6), set()
    numbers = [
        _nip(rng, n, "PPPK" if n % 4 == 0 else "PNS", "LP"[n % 2], used) for n in range(50_000)
    ]
    assert len(set(numbers)) == 50_000
    for n, number in enumerate(numbers[:2_000]):
        parse = nip_rules.parse_pppk if n % 4 == 0 else nip_rules.parse_pns
        parse(number)  # raises on an invalid number
