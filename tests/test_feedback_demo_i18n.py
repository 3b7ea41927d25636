"""The demo tells a coherent feedback story; pages speak Indonesian by default and switch."""

import re

from sqlalchemy import func, select

from blueprints.feedback.models import (
    DevelopmentGoal,
    Feedback,
    FeedbackRequest,
    FollowUp,
    UpwardRound,
)
from extensions import db
from tests import factories_feedback as ff


def test_demo_feedback_story(client, demo):
    sent = select(func.count(Feedback.id)).where(Feedback.status == "sent")
    assert db.session.scalar(sent) >= 40
    assert (
        db.session.scalar(
            sent.where(Feedback.acknowledged_at.is_not(None), Feedback.response.is_not(None))
        )
        >= 5
    )
    assert db.session.scalar(sent.where(Feedback.acknowledged_at.is_(None))) >= 1
    authors = set(db.session.scalars(select(Feedback.author_id).distinct()))
    assert {demo.camat.id, demo.lurah_terjun.id} <= authors and len(authors) >= 6
    overdue_follow_ups = db.session.scalar(
        select(func.count(FollowUp.id))
        .join(Feedback)
        .where(
            Feedback.status == "sent", FollowUp.done_at.is_(None), FollowUp.due_on < ff.today_wib()
        )
    )
    assert overdue_follow_ups >= 1
    open_request = db.session.scalars(
        select(FeedbackRequest).where(
            FeedbackRequest.requester_id == demo.pegawai.id, FeedbackRequest.status == "open"
        )
    ).one()
    assert open_request.leader_id == demo.lurah_terjun.id
    # The development plan of pegawai: the presentation workshop she attended.
    goal = db.session.scalars(
        select(DevelopmentGoal).where(
            DevelopmentGoal.employee_id == demo.pegawai.id, DevelopmentGoal.status == "agreed"
        )
    ).one()
    ff.login(client, demo.pegawai)
    plan = client.get("/umpan-balik/rencana").get_data(as_text=True)
    assert "Teknik Presentasi" in plan and "Sudah diikuti pada" in plan
    assert goal.feedback is not None and goal.feedback.receiver_id == demo.pegawai.id
    # Overdue people in the lurah's team view; her closed round shows figures and comments.
    ff.login(client, demo.lurah_terjun)
    team = client.get("/umpan-balik/tim").get_data(as_text=True)
    assert 'data-overdue="1"' in team and 'data-overdue="0"' in team
    results = client.get("/umpan-balik/ke-atas/hasil").get_data(as_text=True)
    assert re.search(r"\d+ responden\.", results) and "Putaran masih berjalan" in results
    rounds = db.session.scalars(select(UpwardRound)).all()
    assert sorted(r.closed_at is None for r in rounds) == [False, True]
    ff.login(client, demo.pegawai)
    assert "Kirim tanpa nama" in client.get("/umpan-balik/ke-atas").get_data(as_text=True)


def test_indonesian_by_default_and_switching_language(client, org):
    fb = ff.feedback(org.lurah_a, org.staff_a1)
    ff.login(client, org.staff_a1)
    page = client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
    assert '<html lang="id">' in page and "Saya sudah membaca dan memahami" in page
    client.post("/bahasa", data={"lang": "en", "next": f"/umpan-balik/{fb.id}"})
    for url in (
        "/umpan-balik/",
        f"/umpan-balik/{fb.id}",
        "/umpan-balik/permintaan",
        "/umpan-balik/ke-atas",
        "/umpan-balik/rencana",
        "/umpan-balik/refleksi",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.get_data(as_text=True)
