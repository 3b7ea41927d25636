"""Answering: one page, drafts tied to the person only until submission, submit once, and rows
that cannot be linked back to a person or to the order of submission."""

from datetime import date, datetime

from flask import current_app
from sqlalchemy import DateTime, func, inspect, select

from blueprints.admin.models import AuditEntry
from blueprints.common import anonymity, sealing
from blueprints.common.models import SealedAnswer
from blueprints.common.timefmt import today_wib
from blueprints.surveys import answering, mixing, results, scoring
from blueprints.surveys.models import (
    SurveyAnswer,
    SurveyDraft,
    SurveyParticipation,
    SurveyResponse,
)
from extensions import db
from tests import factories
from tests import factories_surveys as fs


def _form(t, value=4, comment=None):
    data = {}
    for questions in t.items.values():
        for q in questions:
            data[f"q_{q.id}"] = str(value)
    if comment is not None:
        data[f"q_{t.texts[0].id}"] = comment
    return data


def _sealed_answers() -> list[dict]:
    """The inbox opened with the instance key (which only the running app holds)."""
    key = sealing.instance_key(current_app.config)
    return [
        sealing.unseal(
            key,
            row.sealed,
            purpose=anonymity.SEAL_PURPOSE,
            aad=f"survey:{row.batch_key}:{row.id}".encode(),
        )
        for row in db.session.scalars(select(SealedAnswer))
    ]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_submit_once_then_a_second_submit_is_refused(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    login_as(org.staff_a1)
    page = client.get(f"/survei/{w.id}")
    assert page.status_code == 200
    assert "Sangat Tidak Setuju" in page.get_data(as_text=True)

    first = client.post(f"/survei/{w.id}/kirim", data=_form(t, comment="Bagus"))
    assert first.status_code == 303 and first.location.endswith(f"/survei/{w.id}/terkirim")
    confirmation = client.get(first.location).get_data(as_text=True)
    assert "Yang disimpan" in confirmation and "Yang tidak disimpan" in confirmation

    second = client.post(f"/survei/{w.id}/kirim", data=_form(t, value=1))
    assert second.status_code == 409
    assert "Kiriman kedua ditolak" in second.get_data(as_text=True)
    # Sealed in the inbox until at least k answers can be mixed: nothing readable yet.
    assert _count(SurveyResponse) == 0 and _count(SurveyParticipation) == 1
    (sealed,) = _sealed_answers()
    values = {v for v in sealed["answers"].values() if isinstance(v, int)}
    assert values == {4}  # the first submission's answers, stored as given (before keying)
    # The page itself now says it was answered, with no form.
    again = client.get(f"/survei/{w.id}").get_data(as_text=True)
    assert "Anda sudah mengisi survei ini" in again and "Kirim jawaban" not in again


def test_response_and_participation_share_no_column_that_links_them(app):
    inspector = inspect(db.engine)
    response = {c["name"] for c in inspector.get_columns("survey_response")}
    participation = {c["name"] for c in inspector.get_columns("survey_participation")}
    answer = {c["name"] for c in inspector.get_columns("survey_answer")}
    assert response == {"id", "wave_id", "unit_id", "submitted_on"}
    assert participation == {"wave_id", "employee_id"}
    assert response & participation == {"wave_id"}  # the wave only: shared by everyone in it
    assert answer == {"response_id", "question_id", "value", "text"}
    # No time finer than a date, and no reference to a person, on anonymous rows.
    for table in ("survey_response", "survey_answer", "survey_participation"):
        assert not any(isinstance(c["type"], DateTime) for c in inspector.get_columns(table))
    for table in ("survey_response", "survey_answer"):
        targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
        assert "employee" not in targets


def test_responses_come_back_in_no_order_that_follows_submission(app, org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    people = [factories.employee(org.kel_a, f"Penjawab {i}") for i in range(12)]
    for i, person in enumerate(people):
        with app.test_request_context():
            answering.submit(
                w, person, {**{q.id: 4 for q in t.items["R1"]}, t.texts[0].id: f"urutan-{i:02d}"}
            )
            db.session.commit()
        mixing.mix_waiting(w)  # as the route does after each submit
        db.session.commit()
    mixing.mix_all(w)  # as closing does
    db.session.commit()
    ids = list(db.session.scalars(select(SurveyResponse.id)))
    assert all(len(i) == 32 for i in ids)
    by_id = [
        text
        for _id, text in db.session.execute(
            select(SurveyResponse.id, SurveyAnswer.text)
            .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
            .where(SurveyAnswer.text.is_not(None))
            .order_by(SurveyResponse.id)
        )
    ]
    assert by_id != sorted(by_id)  # id order is not submission order
    if db.engine.dialect.name == "sqlite":  # WITHOUT ROWID: a plain scan follows the random id
        scanned = list(db.session.scalars(select(SurveyResponse.id)))
        assert scanned == sorted(scanned)
    # Every response is stamped with a date, not a time.
    assert set(db.session.scalars(select(SurveyResponse.submitted_on))) == {today_wib()}
    assert all(
        type(d) is date and not isinstance(d, datetime)
        for d in db.session.scalars(select(SurveyResponse.submitted_on))
    )
    # The comments the results page shows come in random order.
    unit = scoring.all_units()[org.kec.id]
    orders = {tuple(results.comments_for(w, unit, None)[0][0][1]) for _ in range(6)}
    assert len(orders) > 1


def test_submitting_writes_no_audit_and_no_time_about_the_person(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    login_as(org.staff_a1)
    before = _count(AuditEntry)
    client.post(f"/survei/{w.id}/kirim", data=_form(t))
    assert _count(AuditEntry) == before


def test_draft_is_encrypted_kept_and_deleted_with_submission(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    login_as(org.staff_a1)
    saved = client.post(f"/survei/{w.id}/draf", data=_form(t, value=2, comment="kata-rahasia"))
    assert saved.status_code == 303
    draft = db.session.get(SurveyDraft, (w.id, org.staff_a1.id))
    assert draft is not None and "kata-rahasia" not in draft.payload and '"2"' not in draft.payload
    page = client.get(f"/survei/{w.id}").get_data(as_text=True)
    assert "kata-rahasia" in page
    assert f'checked id="q_{t.items["R1"][0].id}-1"' in page  # "2" is the second choice

    # htmx autosave answers with a small fragment
    fragment = client.post(
        f"/survei/{w.id}/draf", data=_form(t, value=3), headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)

    client.post(f"/survei/{w.id}/kirim", data=_form(t, value=3))
    db.session.expire_all()
    assert db.session.get(SurveyDraft, (w.id, org.staff_a1.id)) is None
    assert _count(SealedAnswer) == 1
    # No draft can be saved after submitting.
    client.post(f"/survei/{w.id}/draf", data=_form(t, value=1))
    assert _count(SurveyDraft) == 0


def test_draft_removal_is_part_of_the_submit_transaction(app, org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    with app.test_request_context():
        answering.save_draft(w, org.staff_a1, {t.items["R1"][0].id: 5})
        db.session.commit()
        answering.submit(w, org.staff_a1, {t.items["R1"][0].id: 5})
        db.session.rollback()  # the transaction fails after everything was written
    assert _count(SurveyDraft) == 1 and _count(SurveyParticipation) == 0
    assert _count(SurveyResponse) == 0


def test_a_draft_cannot_be_read_from_another_session(app, org, login_as, client):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    login_as(org.staff_a1)
    client.post(f"/survei/{w.id}/draf", data=_form(t, value=5, comment="hanya-sesi-ini"))
    other = app.test_client()
    other.post("/masuk", data={"identifier": org.staff_a1.email, "password": factories.PASSWORD})
    page = other.get(f"/survei/{w.id}").get_data(as_text=True)
    assert "hanya-sesi-ini" not in page
    assert "sesi lain" in page


def test_only_invited_people_see_and_answer_a_wave(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kel_a])
    login_as(org.staff_b1)
    assert client.get(f"/survei/{w.id}").status_code == 404
    assert client.post(f"/survei/{w.id}/kirim", data=_form(t)).status_code == 404
    assert "Tidak ada survei" in client.get("/survei/").get_data(as_text=True)
    login_as(org.staff_a1)
    listing = client.get("/survei/").get_data(as_text=True)
    assert w.title in listing and "Isi survei" in listing


def test_empty_or_closed_submissions_are_refused(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    login_as(org.staff_a1)
    empty = client.post(f"/survei/{w.id}/kirim", data={})
    assert empty.status_code == 422 and _count(SurveyResponse) == 0
    closed = fs.wave(t.inst, [org.kec], opened_days_ago=20, closes_in=-5, title="Lama")
    assert client.post(f"/survei/{closed.id}/kirim", data=_form(t)).status_code == 422
    assert "sudah ditutup" in client.get(f"/survei/{closed.id}").get_data(as_text=True)
    assert _count(SurveyResponse) == 0 and _count(SurveyParticipation) == 0


def test_open_waves_for_and_home_fragment(app, org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kel_a])
    fs.wave(t.inst, [org.kel_a], status="draft", title="Draf")
    assert [o.wave.id for o in answering.open_waves_for(org.staff_a1)] == [w.id]
    assert answering.open_waves_for(org.staff_b1) == []
    fs.participate(w, [org.staff_a1])
    assert answering.open_waves_for(org.staff_a1)[0].answered is True
    with app.test_request_context():
        from flask import render_template

        html = render_template(
            "surveys/_open_waves.html", open_waves=answering.open_waves_for(org.staff_a1)
        )
    assert "Sudah diisi" in html


def test_draft_cipher_round_trip_wrong_key_and_tampering():
    import base64

    from blueprints.surveys import drafts

    key, other = b"k" * 32, b"o" * 32
    token = drafts.seal(key, {"12": 4, "13": "kata-rahasia"}, size=200)
    assert "kata-rahasia" not in token
    assert drafts.unseal(key, token) == {"12": 4, "13": "kata-rahasia"}
    # Padded: a short and a long draft of one wave are sealed to the same length.
    assert len(drafts.seal(key, {"12": 4}, size=200)) == len(token)
    assert drafts.unseal(other, token) is None
    raw = bytearray(base64.urlsafe_b64decode(token))
    raw[20] ^= 1
    assert drafts.unseal(key, base64.urlsafe_b64encode(bytes(raw)).decode()) is None
    assert drafts.seal(key, {"a": 1}, size=200) != drafts.seal(key, {"a": 1}, size=200)  # nonce
