"""`flask --app app notify-due`: the daily notifications no user action triggers.

Run it from a timer once a day (it is idempotent: running it twice sends nothing new).
- follow-ups due within FOLLOW_UP_DAYS days or overdue: the feedback blueprint's own reminder
  (remind_due_follow_ups), which marks each follow-up as reminded;
- survey reminder: REMINDER_DAYS days before an open wave closes, the surveys blueprint's
  reminder to those who have not answered (send_reminders: it returns only a count, nobody's
  name), once per wave;
- upward-feedback rounds created ahead of their opening day: announced on the day they open,
  once per round (rounds that open on the day they are created are announced by the feedback
  blueprint at once);
- workshop sessions starting tomorrow (WIB): their confirmed participants, once per session and
  start date (a session moved to another day is reminded again before its new date);
- registrations still waiting for izin atasan from before today: the direct superior, once per
  registration. A change of a session's time or place is told at once by the workshops
  blueprint (catalogue.update_session), not here.
Once-per-object sends are recorded in DeliveredNotice (unique per kind and object) before the
notifications are queued, in the same transaction, so that two timers never send twice.
E-mail copies go through the outbox (`flask send-mail`), so a failing mail server delays mail
and never blocks this command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.common.timefmt import to_wib, today_wib
from blueprints.dashboard.models import DeliveredNotice
from blueprints.feedback import followups as feedback_followups
from blueprints.feedback import upward as feedback_upward
from blueprints.feedback.models import UpwardRound
from blueprints.notifications.models import Notification
from blueprints.surveys import waves as survey_waves
from blueprints.surveys.models import SurveyWave
from blueprints.workshops import reminders as workshop_reminders
from extensions import db

FOLLOW_UP_DAYS = 3
REMINDER_DAYS = 3
SURVEY_REMINDER = "surveys.auto_reminder"
UPWARD_OPENED = "feedback.upward_open"
SESSION_DAY_BEFORE = "workshops.day_before"  # + ":" + the session's WIB start date
APPROVAL_REMINDER = "workshops.approval_reminder"


@dataclass
class DueResult:
    follow_ups: int = 0
    survey_reminders: int = 0  # waves reminded
    survey_people: int = 0
    upward_rounds: int = 0
    sessions_reminded: int = 0
    session_people: int = 0
    approvals_reminded: int = 0


def _claim(kind: str, object_id: int) -> DeliveredNotice | None:
    """Record the send first; None when it was already recorded (by us or a concurrent run)."""
    exists = db.session.scalars(
        select(DeliveredNotice).where(
            DeliveredNotice.kind == kind, DeliveredNotice.object_id == object_id
        )
    ).first()
    if exists is not None:
        return None
    notice = DeliveredNotice(kind=kind, object_id=object_id)
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:
        return None
    return notice


def _survey_reminders(today: date, result: DueResult) -> None:
    waves = db.session.scalars(
        select(SurveyWave)
        .where(
            SurveyWave.status == "open",
            SurveyWave.opens_on <= today,
            SurveyWave.closes_on >= today,
            SurveyWave.closes_on <= today + timedelta(days=REMINDER_DAYS),
        )
        .order_by(SurveyWave.id)
    ).all()
    for wave in waves:
        notice = _claim(SURVEY_REMINDER, wave.id)
        if notice is None:
            continue
        notice.recipients = survey_waves.send_reminders(wave, actor=None)
        db.session.commit()
        result.survey_reminders += 1
        result.survey_people += notice.recipients


def _upward_openings(today: date, result: DueResult) -> None:
    rounds = db.session.scalars(
        select(UpwardRound)
        .where(
            UpwardRound.closed_at.is_(None),
            UpwardRound.opens_on <= today,
            UpwardRound.closes_on >= today,
        )
        .order_by(UpwardRound.id)
    ).all()
    for round_ in rounds:
        if round_.opens_on <= to_wib(round_.created_at).date():
            continue  # announced when it was created
        notice = _claim(UPWARD_OPENED, round_.id)
        if notice is None:
            continue
        feedback_upward.announce_round(round_)
        notice.recipients = sum(1 for obj in db.session.new if isinstance(obj, Notification))
        db.session.commit()
        result.upward_rounds += 1


def _session_reminders(today: date, result: DueResult) -> None:
    tomorrow = today + timedelta(days=1)
    for session in workshop_reminders.sessions_starting_on(tomorrow):
        notice = _claim(f"{SESSION_DAY_BEFORE}:{tomorrow.isoformat()}", session.id)
        if notice is None:
            continue
        notice.recipients = workshop_reminders.remind_participants(session)
        db.session.commit()
        result.sessions_reminded += 1
        result.session_people += notice.recipients


def _approval_reminders(today: date, result: DueResult) -> None:
    for registration in workshop_reminders.waiting_approvals(today):
        notice = _claim(APPROVAL_REMINDER, registration.id)
        if notice is None:
            continue
        notice.recipients = int(workshop_reminders.remind_superior(registration))
        db.session.commit()
        result.approvals_reminded += notice.recipients


def notify_due(today: date | None = None) -> DueResult:
    """Needs a request context (links are built with url_for)."""
    today = today or today_wib()
    result = DueResult()
    result.follow_ups = feedback_followups.remind_due_follow_ups(FOLLOW_UP_DAYS)
    db.session.commit()
    _survey_reminders(today, result)
    _upward_openings(today, result)
    _session_reminders(today, result)
    _approval_reminders(today, result)
    return result
