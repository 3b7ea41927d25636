"""Kept demand counts (blueprints/dashboard/demand.py): the organizer dashboard reads the
feedback signals of its workshop demand from counts kept per WIB day. A property test performs
random writes (feedback sent or drafted on days around the window's edge, drafts sent, tags and
recommended workshops added or removed on drafts, rolled-back writes, bulk deletes) and checks,
after each commit, every day's kept rows against the live count and the dashboard's totals
against a direct count over the window. The dashboard's statements do not grow with feedback."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from blueprints.common.timefmt import to_wib, today_wib, utcnow
from blueprints.dashboard import demand as kept
from blueprints.dashboard import organizer as organizer_services
from blueprints.dashboard.models import DemandTagDay, DemandWorkshopDay
from blueprints.feedback.models import Feedback, FeedbackCompetency, FeedbackWorkshop
from blueprints.workshops.models import Topic
from extensions import db
from tests import factories
from tests import factories_dashboard as fd
from tests.conftest import _empty_all_tables

CODES = ("presentasi", "komunikasi", "integritas")
DAYS_AGO = (0, 1, 30, 364, 365, 400)


def _kept_rows() -> tuple[dict, dict]:
    tags = {(r.day, r.code): r.n for r in db.session.scalars(select(DemandTagDay))}
    workshops = {(r.day, r.workshop_id): r.n for r in db.session.scalars(select(DemandWorkshopDay))}
    return tags, workshops


def _live_rows() -> tuple[dict, dict]:
    """Counted here from the source rows in Python (small data): the independent definition."""
    tags: dict = {}
    workshops: dict = {}
    for fb in db.session.scalars(select(Feedback).where(Feedback.status == "sent")):
        day = to_wib(fb.sent_at).date()
        for tag in fb.competencies:
            tags[(day, tag.code)] = tags.get((day, tag.code), 0) + 1
        for w in fb.workshops:
            workshops[(day, w.workshop_id)] = workshops.get((day, w.workshop_id), 0) + 1
    return tags, workshops


def _window_totals(today) -> tuple[dict, dict]:
    first = today - timedelta(days=organizer_services.DEMAND_DAYS - 1)
    tags_live, workshops_live = _live_rows()
    tags: dict = {}
    workshops: dict = {}
    for (day, code), n in tags_live.items():
        if day >= first:
            tags[code] = tags.get(code, 0) + n
    for (day, wid), n in workshops_live.items():
        if day >= first:
            workshops[wid] = workshops.get(wid, 0) + n
    return tags, workshops


class World:
    def __init__(self):
        self.org = factories.small_org()
        topic = Topic(name="Presentasi")
        db.session.add(topic)
        db.session.flush()
        self.workshops = [
            fd.workshop(self.org.organizer, title="Teknik Presentasi", topics=[topic]),
            fd.workshop(self.org.organizer, title="Komunikasi Publik"),
        ]
        self.people = [self.org.staff_a1, self.org.staff_a2, self.org.staff_b1]
        db.session.commit()

    def give(self, a, b):
        sent_at = utcnow() - timedelta(days=DAYS_AGO[a % len(DAYS_AGO)])
        fd.feedback(
            self.org.camat,
            self.people[b % len(self.people)],
            sent_at=sent_at,
            status="draft" if a % 4 == 0 else "sent",
            competencies=[c for i, c in enumerate(CODES) if (b >> i) & 1],
            workshops=[w for i, w in enumerate(self.workshops) if (a >> i) & 1],
        )

    def send_draft(self, a, b):
        drafts = self._feedback("draft")
        if drafts:
            fb = drafts[a % len(drafts)]
            fb.status, fb.sent_at = "sent", utcnow()

    def tag_draft(self, a, b):
        drafts = self._feedback("draft")
        if drafts:
            fb = drafts[a % len(drafts)]
            code = CODES[b % len(CODES)]
            existing = [t for t in fb.competencies if t.code == code]
            if existing:
                fb.competencies.remove(existing[0])
            else:
                fb.competencies.append(FeedbackCompetency(code=code))

    def recommend_on_draft(self, a, b):
        drafts = self._feedback("draft")
        if drafts:
            fb = drafts[a % len(drafts)]
            w = self.workshops[b % len(self.workshops)]
            if all(x.workshop_id != w.id for x in fb.workshops):
                fb.workshops.append(FeedbackWorkshop(workshop_id=w.id, title=w.title))

    def bulk_untag_drafts(self, a, b):
        drafts = select(Feedback.id).where(Feedback.status == "draft")
        db.session.execute(
            delete(FeedbackCompetency).where(FeedbackCompetency.feedback_id.in_(drafts))
        )

    def rolled_back(self, a, b):
        fd.feedback(self.org.camat, self.people[0], competencies=["integritas"])
        db.session.rollback()  # flushed, noted as pending, then thrown away

    def _feedback(self, status):
        return list(
            db.session.scalars(
                select(Feedback).where(Feedback.status == status).order_by(Feedback.id)
            )
        )


OPERATIONS = [name for name in vars(World) if not name.startswith("_")]

operations = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(min_value=0, max_value=20),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=20,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_kept_demand_equals_the_live_count(app, steps):
    db.session.remove()
    _empty_all_tables()
    world = World()
    today = today_wib()
    for name, a, b in steps:
        getattr(world, name)(a, b)
        db.session.commit()
        db.session.expire_all()
        assert _kept_rows() == _live_rows(), name
    tags, workshops = _window_totals(today)
    assert kept.tag_counts(today, organizer_services.DEMAND_DAYS) == tags
    with app.test_request_context():
        result = organizer_services.demand()
    assert {wid: n for wid, _title, n in result.recommended} == workshops


def test_rebuild_equals_the_rows_kept_on_write(app):
    world = World()
    for a in range(6):
        world.give(a + 1, a + 3)
    db.session.commit()
    on_write = _kept_rows()
    assert on_write[0], "the scenario must count some tags"
    db.session.execute(delete(DemandTagDay))
    db.session.execute(delete(DemandWorkshopDay))
    db.session.commit()
    assert _kept_rows() == ({}, {})
    kept.rebuild()
    db.session.commit()
    assert _kept_rows() == on_write == _live_rows()


def test_window_is_the_last_365_wib_days_today_included(app):
    world = World()
    today = today_wib()
    for days_ago in (0, 364, 365):
        fd.feedback(
            world.org.camat,
            world.people[0],
            sent_at=utcnow() - timedelta(days=days_ago),
            competencies=["presentasi"],
        )
    db.session.commit()
    # sent_at = now - d days falls on the WIB day today - d: 0 and 364 days ago count, 365 not.
    assert kept.tag_counts(today, 365) == {"presentasi": 2}
    assert kept.tag_counts(today, 366) == {"presentasi": 3}
    assert kept.window_start(today, 365) == today - timedelta(days=364)


def test_demand_statements_do_not_grow_with_feedback(app, queries):
    world = World()
    world.give(1, 7)
    db.session.commit()

    def count() -> int:
        db.session.expire_all()
        with app.test_request_context(), queries() as q:
            organizer_services.demand()
        return q.count

    count()  # the first call fills per-process caches (settings, instrument)
    small = count()
    for a in range(40):
        world.give(a * 3 + 1, a)
    db.session.commit()
    assert count() == small
    assert db.session.scalar(select(func.count()).select_from(Feedback)) > 40


def test_rebuild_figures_command_restores_the_demand_counts(app):
    world = World()
    world.give(1, 7)
    db.session.commit()
    on_write = _kept_rows()
    db.session.execute(delete(DemandTagDay))
    db.session.execute(delete(DemandWorkshopDay))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["feedback", "rebuild-figures"])
    assert result.exit_code == 0, result.output
    assert "demand counts for 1 days" in result.output
    db.session.expire_all()
    assert _kept_rows() == on_write and on_write[0]
