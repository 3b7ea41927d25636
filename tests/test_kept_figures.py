"""Kept figures (blueprints/feedback/figures.py) equal the live computation after any sequence
of writes: a property test performs random operations (register, attend one or all, verify or
reject external learning, give feedback with follow-ups, close and confirm follow-ups, cancel a
session, change its JP or day, move people and units, change the JP targets, give PPPK people
contract starts around today and the sessions or take them away, also by a bulk UPDATE as the
import does), commits each, and compares every person's kept row with the figures computed from
the source tables."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from blueprints.admin.settings import set_setting
from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib, utcnow
from blueprints.feedback import figures
from blueprints.feedback.figures import PersonFigures
from blueprints.feedback.models import FollowUp
from blueprints.workshops import attendance, jp_period
from blueprints.workshops.models import ExternalLearning, Registration
from blueprints.workshops.rules import session_day_begun
from extensions import db
from tests import factories
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables

FIELDS = ("jp", "feedback_quarter", "last_feedback_at", "open_follow_ups")


def _kept(today) -> dict[int, dict]:
    rows = {row.employee_id: row for row in db.session.scalars(select(PersonFigures))}
    out = {}
    for person in db.session.scalars(select(Employee)):
        eid = person.id
        row = rows.get(eid)
        label = jp_period.current_period(person, today).label  # the person's "this year"
        out[eid] = {
            "jp": row.jp if row and row.jp_year == label else 0,
            "feedback_quarter": row.feedback_quarter
            if row and row.quarter == figures.quarter_key(today)
            else 0,
            "last_feedback_at": row.last_feedback_at if row else None,
            "open_follow_ups": row.open_follow_ups if row else 0,
        }
    return out


def _live(today) -> dict[int, dict]:
    ids = list(db.session.scalars(select(Employee.id)))
    return {
        eid: {name: values[name] for name in FIELDS}
        for eid, values in figures.live_figures(ids, today).items()
    }


def _same(kept, live) -> None:
    def norm(value):
        return value.replace(tzinfo=None) if hasattr(value, "tzinfo") else value

    for eid in live:
        assert {k: norm(v) for k, v in kept[eid].items()} == {
            k: norm(v) for k, v in live[eid].items()
        }, eid


class World:
    def __init__(self):
        self.org = factories.small_org()
        self.people = [
            self.org.staff_a1,
            self.org.staff_a2,
            self.org.staff_b1,
            self.org.staff_sek,
            self.org.lurah_a,
        ]
        self.units = [self.org.kel_a, self.org.kel_b, self.org.sek]
        w = fd.workshop(self.org.organizer, title="Pelatihan Sifat")
        self.sessions = [
            fd.session(w, days=-2, capacity=10, jp=4),
            fd.session(w, days=-40, capacity=10, jp=6),
            fd.session(w, days=9, capacity=10, jp=3),
        ]
        for person in self.people[:3]:  # registered, not yet marked present
            fd.register(self.sessions[0], person)
        # JP from the start, on days a contract anniversary may fall between (set_contract).
        for n, person in enumerate(self.people):
            day = today_wib() - timedelta(days=(0, 2, 30, 60, 200)[n])
            fd.external(person, jp=n + 1, status="verified", day=day)
        db.session.commit()

    def person(self, n):
        return self.people[n % len(self.people)]

    def session(self, n):
        return self.sessions[n % len(self.sessions)]

    # --- operations ---------------------------------------------------------------------
    def register(self, a, b):
        s, p = self.session(a), self.person(b)
        exists = db.session.scalar(
            select(Registration).where(
                Registration.session_id == s.id, Registration.employee_id == p.id
            )
        )
        if exists is None:
            fd.register(s, p, status="confirmed")

    def attend(self, a, b):
        reg = self._registration(a, b)
        if reg is not None and reg.status == "confirmed":
            reg.attended = not reg.attended

    def attend_all(self, a, b):
        s = self.session(a)
        if session_day_begun(s) and s.status != "cancelled":
            attendance.mark_all_present(s)  # one bulk UPDATE

    def cancel_registration(self, a, b):
        reg = self._registration(a, b)
        if reg is not None:
            reg.status = "cancelled" if reg.status == "confirmed" else "confirmed"
            reg.attended = False

    def external(self, a, b):
        fd.external(self.person(b), jp=1 + a % 7, status="pending", day=today_wib())

    def verify_external(self, a, b):
        rows = list(db.session.scalars(select(ExternalLearning).order_by(ExternalLearning.id)))
        if rows:
            row = rows[a % len(rows)]
            row.status = ("verified", "rejected", "pending")[b % 3]
            row.review_reason = "Tidak terbaca" if row.status == "rejected" else ""

    def give_feedback(self, a, b):
        days_ago = (0, 3, 100, 400)[a % 4]
        fd.feedback(
            self.org.camat,
            self.person(b),
            sent_at=utcnow() - timedelta(days=days_ago),
            status="sent" if a % 5 else "draft",
            follow_ups=[("Langkah", today_wib() + timedelta(days=a % 3 - 1), False)] * (b % 3),
        )

    def close_follow_up(self, a, b):
        rows = list(db.session.scalars(select(FollowUp).order_by(FollowUp.id)))
        if rows:
            row = rows[a % len(rows)]
            if b % 3 == 0:
                row.done_at = utcnow()
            elif b % 3 == 1:
                row.done_at = row.done_at or utcnow()
                row.confirmed_at = utcnow()
            elif row.feedback.status == "draft":  # sent feedback is never edited, drafts are
                db.session.delete(row)
            else:
                row.done_at = row.done_at or utcnow()

    def cancel_session(self, a, b):
        s = self.session(a)
        s.status = "cancelled" if s.status == "published" else "published"

    def change_session(self, a, b):
        s = self.session(a)
        s.jp_credited = 1 + b % 8
        if b % 4 == 0:  # into last year and back: JP of this year changes
            shift = timedelta(days=366) * (1 if b % 8 == 0 else -1)
            s.starts_at, s.ends_at = s.starts_at - shift, s.ends_at - shift

    def move_person(self, a, b):
        self.person(b).unit_id = self.units[a % len(self.units)].id

    def move_unit(self, a, b):
        unit = self.org.kel_b
        parent = self.org.kel_a if a % 2 else self.org.kec
        unit.parent_id = parent.id
        unit.path = f"{parent.path}{unit.id}/"

    def external_dated(self, a, b):  # verified, on days around the periods' boundaries
        day = today_wib() - timedelta(days=(0, 1, 2, 3, 39, 40, 41, 200, 364, 366)[a % 10])
        fd.external(self.person(b), jp=1 + b % 5, status="verified", day=day)

    def set_contract(self, a, b):
        """A PPPK contract whose anniversary falls around today or the sessions' days."""
        person = self.person(b)
        person.employment_type = "PPPK"
        person.contract_start = self._contract_day(a)

    def bulk_contract(self, a, b):
        """As the import writes people: a bulk UPDATE by primary key."""
        person = self.person(b)
        start = self._contract_day(a) if a % 3 else None
        kind = "PPPK" if start or a % 2 else "PNS"
        db.session.execute(
            update(Employee),
            [{"id": person.id, "employment_type": kind, "contract_start": start}],
        )

    def end_contract(self, a, b):
        person = self.person(b)
        person.contract_start = None
        if a % 2:
            person.employment_type = "PNS"

    def change_settings(self, a, b):
        set_setting("jp_target_pns", 10 + a % 30)

    def _contract_day(self, a):
        if a % 7 == 6:
            return date(2024, 2, 29)
        today = today_wib()
        # Anniversaries between the days of the first records (0, 2, 30, 60, 200 days ago), on
        # today, and ahead of it (the period under way began last year).
        back = (0, 1, 3, 29, 31, 59, 61, 199, 201, -1)[a % 10]
        return today - timedelta(days=back) - timedelta(days=365 * (a % 3))

    def _registration(self, a, b):
        return db.session.scalar(
            select(Registration).where(
                Registration.session_id == self.session(a).id,
                Registration.employee_id == self.person(b).id,
            )
        )


OPERATIONS = [
    name for name in vars(World) if not name.startswith("_") and name not in ("person", "session")
]

operations = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_kept_figures_equal_the_live_computation(app, steps):
    db.session.remove()  # each example starts from a fresh session, no objects of the last one
    _empty_all_tables()
    world = World()
    today = today_wib()
    _same(_kept(today), _live(today))
    for name, a, b in steps:
        getattr(world, name)(a, b)
        db.session.commit()
        db.session.expire_all()
        _same(_kept(today), _live(today))


def test_a_rolled_back_write_keeps_nothing(app):
    world = World()
    person = world.person(3)
    fd.register(world.session(0), person, attended=True)
    db.session.rollback()
    fd.feedback(world.org.camat, person)
    db.session.commit()
    row = db.session.get(PersonFigures, person.id)
    assert row.jp == 4 and row.last_feedback_at is not None  # the first record, not the session


def test_rebuild_fills_rows_written_around_the_orm(app):
    world = World()
    person = world.person(4)
    fd.register(world.session(0), person, attended=True)
    db.session.commit()
    assert db.session.get(PersonFigures, person.id).jp == 4 + 5  # the session and first record
    db.session.execute(PersonFigures.__table__.delete())
    db.session.commit()
    assert figures.rebuild() >= len(world.people)
    db.session.commit()
    assert db.session.get(PersonFigures, person.id).jp == 4 + 5
    _same(_kept(today_wib()), _live(today_wib()))


def test_figures_follow_the_year_and_quarter(app):
    """A row computed in another year or quarter reads as nothing for this one."""
    world = World()
    person = world.person(3)
    fd.register(world.session(0), person, attended=True)
    fd.feedback(world.org.camat, person)
    db.session.commit()
    row = db.session.get(PersonFigures, person.id)
    assert row.jp == 4 + 4 and row.feedback_quarter == 1  # the session and the first record
    today = today_wib()
    next_year = today.replace(year=today.year + 1)
    value = db.session.execute(
        select(figures.jp_expr(next_year), figures.feedback_quarter_expr(next_year))
        .join(Employee, Employee.id == PersonFigures.employee_id)
        .where(PersonFigures.employee_id == person.id)
    ).one()
    assert tuple(value) == (0, 0)
