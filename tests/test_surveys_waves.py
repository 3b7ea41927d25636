"""Waves: an admin opens one for target units with thresholds that freeze once it opens."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.admin.models import AuditEntry
from blueprints.admin.settings import set_setting
from blueprints.notifications.models import Notification
from blueprints.surveys import answering, waves
from blueprints.surveys.models import SurveyResultNode, SurveyWave
from extensions import db
from tests import factories_surveys as fs
from tests.conftest import YES


def _wave_data(t, org, **overrides):
    today = answering.today()
    data = {
        "instrument_id": t.inst.id,
        "title": "Gelombang Maret",
        "change_description": "Layanan surat keterangan daring",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "unit_ids": [org.kel_a.id, org.kel_b.id],
        "min_group": 5,
        "comment_min_group": 10,
    }
    data.update(overrides)
    return data


def test_new_wave_form_uses_the_settings_defaults(org, client, login_as):
    set_setting("survey_min_group", 7)
    db.session.commit()
    login_as(org.admin)
    page = client.get("/survei/kelola/gelombang/baru").get_data(as_text=True)
    assert 'name="min_group"' in page and 'value="7"' in page
    assert 'value="10"' in page  # comment threshold default


def test_create_open_and_notify_the_invited(org, client, login_as):
    t = fs.instrument()
    login_as(org.admin)
    created = client.post("/survei/kelola/gelombang/baru", data=_wave_data(t, org))
    assert created.status_code == 303
    wave = db.session.scalars(select(SurveyWave)).one()
    assert wave.status == "draft" and set(wave.target_unit_ids) == {org.kel_a.id, org.kel_b.id}
    opened = client.post(
        f"/survei/kelola/gelombang/{wave.id}/buka", data=YES, follow_redirects=True
    )
    assert "5 pegawai diberi tahu" in opened.get_data(as_text=True)
    db.session.refresh(wave)
    assert wave.status == "open"
    notified = set(
        db.session.scalars(
            select(Notification.recipient_id).where(Notification.kind == "surveys.opened")
        )
    )
    assert notified == {
        org.lurah_a.id,
        org.lurah_b.id,
        org.staff_a1.id,
        org.staff_a2.id,
        org.staff_b1.id,
    }
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "survey.wave_opened")
        )
        == 1
    )


def test_thresholds_are_frozen_once_open(org, client, login_as):
    t = fs.instrument()
    wave = fs.wave(t.inst, [org.kec], status="open", k=5)
    login_as(org.admin)
    response = client.post(
        f"/survei/kelola/gelombang/{wave.id}",
        data=_wave_data(t, org, min_group=3, comment_min_group=3),
    )
    assert response.status_code == 422
    db.session.refresh(wave)
    assert wave.min_group == 5 and wave.comment_min_group == 10
    page = client.get(f"/survei/kelola/gelombang/{wave.id}").get_data(as_text=True)
    assert "Ubah draf" not in page and "Kirim pengingat" in page


def test_k_is_never_below_three(org, client, login_as):
    t = fs.instrument()
    login_as(org.admin)
    response = client.post("/survei/kelola/gelombang/baru", data=_wave_data(t, org, min_group=2))
    assert response.status_code == 422
    response = client.post(
        "/survei/kelola/gelombang/baru", data=_wave_data(t, org, min_group=6, comment_min_group=5)
    )
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(SurveyWave)) == 0


def test_draft_can_be_edited(org, client, login_as):
    t = fs.instrument()
    wave = fs.wave(t.inst, [org.kec], status="draft")
    login_as(org.admin)
    response = client.post(
        f"/survei/kelola/gelombang/{wave.id}",
        data=_wave_data(t, org, title="Judul baru", min_group=4),
    )
    assert response.status_code == 303
    db.session.refresh(wave)
    assert wave.title == "Judul baru" and wave.min_group == 4


def test_closing_computes_and_stores_once(org, client, login_as):
    t = fs.instrument()
    wave = fs.wave(t.inst, [org.kec], k=3)
    fs.responses(wave, org.kel_a, fs.uniform(t, 4, 3))
    login_as(org.admin)
    client.post(f"/survei/kelola/gelombang/{wave.id}/tutup", data=YES)
    db.session.refresh(wave)
    assert wave.status == "closed" and wave.closed_at is not None
    nodes = db.session.scalar(
        select(func.count())
        .select_from(SurveyResultNode)
        .where(SurveyResultNode.wave_id == wave.id)
    )
    assert nodes == 4  # the kecamatan and its three child units
    again = client.post(f"/survei/kelola/gelombang/{wave.id}/tutup", follow_redirects=True)
    assert "Hanya gelombang yang sedang dibuka" in again.get_data(as_text=True)


def test_close_due_from_the_cli(app, org, runner):
    t = fs.instrument()
    due = fs.wave(t.inst, [org.kec], opened_days_ago=20, closes_in=-1)
    running = fs.wave(t.inst, [org.kec])
    result = runner.invoke(args=["surveys", "close-due"])
    assert result.exit_code == 0 and "1 gelombang ditutup" in result.output
    db.session.expire_all()
    assert db.session.get(SurveyWave, due.id).status == "closed"
    assert db.session.get(SurveyWave, running.id).status == "open"


def test_no_response_carries_the_transaction_stamp_of_a_submit(app, org):
    """PostgreSQL: responses are written by the mixing transaction (at closing here: three
    answers, under 2k), one stamp (xmin) for the batch, never a submit's stamp."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("transaction stamps are PostgreSQL's")
    from sqlalchemy import text

    t = fs.instrument()
    wave = fs.wave(t.inst, [org.kec], k=3)
    people = [org.staff_a1, org.staff_a2, org.staff_b1]
    for person in people:
        with app.test_request_context():
            answering.submit(wave, person, {t.items["R1"][0].id: 4})
            db.session.commit()
    assert not db.session.scalars(text("SELECT id FROM survey_response")).all()  # sealed
    waves.close_wave(wave)
    db.session.commit()
    answers = set(db.session.scalars(text("SELECT xmin::text FROM survey_response")))
    submits = set(db.session.scalars(text("SELECT xmin::text FROM survey_participation")))
    assert len(answers) == 1 and len(submits) == 3 and not answers & submits
