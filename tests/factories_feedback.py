"""Builders for feedback tests. Each returns committed model objects."""

from datetime import timedelta

from blueprints.common.timefmt import today_wib, utcnow
from blueprints.feedback.constants import UPWARD_STATEMENTS
from blueprints.feedback.giving import snapshot
from blueprints.feedback.models import (
    Feedback,
    FeedbackCompetency,
    FeedbackRequest,
    FeedbackVersion,
    FollowUp,
    UpwardParticipation,
    UpwardRound,
)
from extensions import db


def feedback(
    author,
    receiver,
    *,
    sent=True,
    days_ago=0,
    follow_ups=(),
    acknowledged=False,
    context="Situasi uji",
    strengths="Kekuatan uji",
    improvements="Perbaikan uji",
    competencies=(),
):
    """A feedback written directly (no notifications): sent `days_ago` days ago, tagged with
    `competencies` (codes; the test installs the dictionary that knows them)."""
    when = utcnow() - timedelta(days=days_ago)
    fb = Feedback(
        author_id=author.id,
        receiver_id=receiver.id,
        occurred_on=today_wib() - timedelta(days=days_ago),
        context=context,
        strengths=strengths,
        improvements=improvements,
        status="sent" if sent else "draft",
        created_at=when,
        updated_at=when,
        sent_at=when if sent else None,
        acknowledged_at=when + timedelta(minutes=5) if sent and acknowledged else None,
    )
    for position, (text, due_in_days) in enumerate(follow_ups):
        fb.follow_ups.append(
            FollowUp(
                description=text,
                due_on=today_wib() + timedelta(days=due_in_days),
                position=position,
            )
        )
    fb.competencies = [FeedbackCompetency(code=code) for code in competencies]
    db.session.add(fb)
    db.session.flush()
    db.session.add(
        FeedbackVersion(
            feedback_id=fb.id,
            number=1,
            status=fb.status,
            saved_by_id=author.id,
            snapshot=snapshot(fb),
        )
    )
    db.session.commit()
    return fb


def request(requester, leader, topic="Topik uji", status="open"):
    req = FeedbackRequest(
        requester_id=requester.id,
        leader_id=leader.id,
        topic=topic,
        status=status,
        closed_at=None if status == "open" else utcnow(),
        decline_reason="Alasan" if status == "declined" else "",
    )
    db.session.add(req)
    db.session.commit()
    return req


def upward_round(*, open_=True, title="Triwulan Uji", min_group=3, comment_min_group=5):
    today = today_wib()
    round_ = UpwardRound(
        title=title,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=10),
        closed_at=None if open_ else utcnow(),
        min_group=min_group,
        comment_min_group=comment_min_group,
    )
    db.session.add(round_)
    db.session.commit()
    return round_


def close_round(round_):
    """Close a round as the app does: everything sealed is mixed first (k or more per leader)."""
    from blueprints.feedback import upward

    upward.close_round(None, round_)
    db.session.commit()


def upward_answers(round_, leader, respondents, score=4, comment=""):
    """Answers as the service stores them: participation apart, answers sealed in the inbox;
    a round already closed gets them mixed as its closing would have (k or more per leader)."""
    from blueprints.common import anonymity
    from blueprints.feedback import upward

    for person in respondents:
        db.session.add(UpwardParticipation(round_id=round_.id, employee_id=person.id))
        anonymity.seal_answer(
            upward.STREAM,
            round_.id,
            label=leader.id,
            data={"scores": dict.fromkeys(UPWARD_STATEMENTS, score), "comment": comment},
        )
    db.session.commit()
    if round_.closed_at is not None:
        anonymity.mix(upward.STREAM, round_.id, final=True)
        db.session.commit()


def workshop(title="Teknik Presentasi", description="Menyusun paparan", active=True):
    from blueprints.workshops.models import Workshop

    item = Workshop(
        title=title,
        description=description,
        competency_type="manajerial",
        learning_form="klasikal",
        learning_kind="pelatihan",
        active=active,
    )
    db.session.add(item)
    db.session.commit()
    return item


def attended_session(item, person, days_ago=10):
    """A completed session of `item` that `person` attended."""
    from blueprints.workshops.models import Registration, WorkshopSession

    start = utcnow() - timedelta(days=days_ago)
    session = WorkshopSession(
        workshop_id=item.id,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=10,
        jp_credited=4,
        status="completed",
    )
    db.session.add(session)
    db.session.flush()
    db.session.add(
        Registration(
            session_id=session.id,
            employee_id=person.id,
            status="confirmed",
            position=1,
            attended=True,
        )
    )
    db.session.commit()
    return session


def competency_dictionary():
    """The built-in competency dictionary: the feedback form's tags come from it."""
    from blueprints.competencies import dictionary

    if dictionary.install_builtin():
        db.session.commit()


def form_data(receiver, **overrides):
    """A valid feedback form post (its tags, komunikasi and presentasi, are in the dictionary)."""
    competency_dictionary()
    data = {
        "receiver_id": str(receiver.id),
        "occurred_on": today_wib().isoformat(),
        "context": "Rapat koordinasi lingkungan",
        "strengths": "Data lengkap",
        "improvements": "Paparan kurang runtut",
        "values": ["kompeten"],
        "competencies_managerial": ["komunikasi"],
        "competencies_technical": ["presentasi"],
        "follow_ups-0-description": "Ikut pelatihan presentasi",
        "follow_ups-0-due_on": (today_wib() + timedelta(days=14)).isoformat(),
        "follow_ups-1-description": "",
        "follow_ups-1-due_on": "",
        "action": "send",
    }
    data.update(overrides)
    return data


def login(client, person):
    """Sign in without a password check (hashing is slow on purpose): the session holds what
    flask-login would store after a real login. The app context lives through the test, so the
    user cached on `g` is dropped too."""
    from flask import g

    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = f"{person.id}:{person.session_version}"
        session["_fresh"] = True
    g.pop("_login_user", None)
