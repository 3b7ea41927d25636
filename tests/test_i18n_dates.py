"""One date style per language (docs/glossary.md), in notifications and form choices too.

Notifications are stored once and read later, each in its reader's language: their dates are
stored in the source language's style ("2 Des 2026 08.30 WIB") and shown in the reader's
("2 Dec 2026, 08:30 WIB") when the notification is read."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from blueprints.common import timefmt
from blueprints.common.timefmt import today_wib
from blueprints.competencies import akpk
from blueprints.competencies.routes import akpk as akpk_routes
from blueprints.feedback import followups, plans, upward
from blueprints.notifications.models import Notification
from blueprints.notifications.services import render_text
from blueprints.workshops.rules import when_text
from extensions import db
from tests import factories_feedback as ff
from tests import factories_workshops as fw

MOMENT = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # 08.30 WIB
LATE = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # 2 December, 01.00 WIB


def test_stored_dates_are_the_indonesian_style(app):
    assert timefmt.stored_moment(MOMENT) == "2 Des 2026 08.30 WIB"
    assert timefmt.stored_moment(LATE) == "2 Des 2026 01.00 WIB"  # in WIB, not UTC
    assert timefmt.stored_day(date(2026, 8, 17)) == "17 Agu 2026"
    with app.test_request_context(), force_locale("id"):
        # The same style the pages use: the month names as Babel writes them in Indonesian.
        for month in range(1, 13):
            moment = datetime(2026, month, 9, 3, 5, tzinfo=UTC)
            assert timefmt.stored_moment(moment) == timefmt.format_wib(moment)
            assert timefmt.stored_day(date(2026, month, 9)) == timefmt.format_day(
                date(2026, month, 9)
            )


@pytest.mark.parametrize(
    ("stored", "indonesian", "english"),
    [
        ("2 Des 2026 08.30 WIB", "2 Des 2026 08.30 WIB", "2 Dec 2026, 08:30 WIB"),
        ("5 Mei 2026", "5 Mei 2026", "5 May 2026"),
        # Stored before issue 15:
        ("02-12-2026 08.30 WIB", "2 Des 2026 08.30 WIB", "2 Dec 2026, 08:30 WIB"),
        ("17-08-2026", "17 Agu 2026", "17 Aug 2026"),
        # Not dates: as they are.
        ("Pelatihan 2026", "Pelatihan 2026", "Pelatihan 2026"),
        ("31 Feb 2026", "31 Feb 2026", "31 Feb 2026"),
        ("2 Des 2026 25.00 WIB", "2 Des 2026 25.00 WIB", "2 Des 2026 25.00 WIB"),
        (12, 12, 12),
    ],
)
def test_stored_dates_are_shown_in_the_readers_style(app, stored, indonesian, english):
    with app.test_request_context():
        with force_locale("id"):
            assert timefmt.localize_stored(stored) == indonesian
        with force_locale("en"):
            assert timefmt.localize_stored(stored) == english
            assert timefmt.localize_params({"when": stored, "jp": 4}) == {"when": english, "jp": 4}


def test_workshop_notifications_store_the_session_start_in_wib(org):
    session = fw.session(fw.workshop(org.organizer), starts_at=LATE)
    assert when_text(session) == "2 Des 2026 01.00 WIB"


def test_follow_up_and_upward_notifications_store_their_day(app, org):
    ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Rapat koordinasi", 2)])
    round_ = ff.upward_round(title="Putaran Uji")
    with app.test_request_context():
        assert followups.remind_due_follow_ups() == 1
        upward.announce_round(round_)
    db.session.commit()
    notes = {n.kind: n.params for n in db.session.scalars(select(Notification))}
    assert notes["feedback.followup_due"]["due"] == timefmt.stored_day(
        today_wib() + timedelta(days=2)
    )
    assert notes["feedback.upward_open"]["closes"] == timefmt.stored_day(round_.closes_on)


def test_an_english_reader_reads_the_notification_date_in_english(app, org):
    """Needs notifications.services.render_text to fill its parameters through
    timefmt.localize_params (the reader's style at display time)."""
    session = fw.session(fw.workshop(org.organizer, "Dasar Pelayanan"), starts_at=MOMENT)
    params = {"workshop": "Dasar Pelayanan", "when": when_text(session)}
    with app.test_request_context():
        with force_locale("id"):
            assert "(2 Des 2026 08.30 WIB)" in render_text("workshops.session_cancelled", params)
        with force_locale("en"):
            text = render_text("workshops.session_cancelled", params)
    assert "(2 Dec 2026, 08:30 WIB)" in text and "08.30" not in text


def test_goal_form_lists_feedback_by_day_in_the_readers_style(app, org):
    fb = ff.feedback(org.lurah_a, org.staff_a1, improvements="Perbaiki laporan")
    fb.occurred_on = date(2026, 12, 2)
    db.session.commit()
    with app.test_request_context():
        with force_locale("id"):
            assert plans.feedback_choices(org.staff_a1) == [
                (fb.id, "2 Des 2026 — Perbaiki laporan")
            ]
        with force_locale("en"):
            assert plans.feedback_choices(org.staff_a1) == [
                (fb.id, "2 Dec 2026 — Perbaiki laporan")
            ]


def test_akpk_session_choices_give_the_day_in_wib(app, org, monkeypatch):
    session = fw.session(fw.workshop(org.organizer, "Analisis Data"), starts_at=LATE)
    monkeypatch.setattr(
        akpk, "matching_workshops", lambda ids: {1: [(session, "Analisis Data", 3)]}
    )
    analysis = SimpleNamespace(rows=[])
    with app.test_request_context():
        with force_locale("id"):
            form = akpk_routes._mandatory_form(analysis)
            assert form.session.choices == [(session.id, "Analisis Data — 2 Des 2026")]
        with force_locale("en"):
            form = akpk_routes._mandatory_form(analysis)
            assert form.session.choices == [(session.id, "Analisis Data — 2 Dec 2026")]
