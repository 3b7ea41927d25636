"""Giving feedback: subtree only, draft -> sent, immutability, addendum, acknowledgement,
answer, history, the workshop picker and the quick-give panel."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.common.timefmt import today_wib
from blueprints.feedback.giving import snapshot
from blueprints.feedback.models import (
    Feedback,
    FeedbackAddendum,
    FeedbackVersion,
    FollowUp,
    SentFeedbackIsImmutable,
)
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories_feedback as ff
from tests.conftest import HX, YES


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _kinds(person) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.recipient_id == person.id))
    )


class TestSubtreeOnly:
    def test_leader_sends_feedback_to_someone_in_subtree(self, client, org):
        ff.login(client, org.lurah_a)
        response = client.post("/umpan-balik/baru", data=ff.form_data(org.staff_a1))
        assert response.status_code == 303
        fb = db.session.scalars(select(Feedback)).one()
        assert (fb.author_id, fb.receiver_id, fb.status) == (
            org.lurah_a.id,
            org.staff_a1.id,
            "sent",
        )
        assert fb.value_codes == ["kompeten"]
        assert sorted(fb.competency_codes) == ["komunikasi", "presentasi"]
        assert [f.description for f in fb.follow_ups] == ["Ikut pelatihan presentasi"]
        assert "feedback.received" in _kinds(org.staff_a1)

    def test_camat_reaches_the_whole_subtree(self, client, org):
        ff.login(client, org.camat)
        assert client.post("/umpan-balik/baru", data=ff.form_data(org.staff_b1)).status_code == 303

    def test_anyone_else_is_refused_and_nothing_is_stored(self, client, org):
        pairs = [
            ("lurah_a", "staff_b1"),  # another kelurahan
            ("lurah_a", "camat"),  # above, not below
            ("lurah_a", "lurah_a"),  # oneself
            ("lurah_a", "lurah_b"),  # a peer leader
            ("staff_a1", "staff_a2"),  # not a leader at all
            ("admin", "staff_a1"),  # admins do not give feedback as such
            ("organizer", "staff_a1"),
        ]
        for author, receiver in pairs:
            ff.login(client, getattr(org, author))
            target = getattr(org, receiver)
            for action in ("send", "draft"):
                response = client.post(
                    "/umpan-balik/baru", data=ff.form_data(target, action=action)
                )
                assert response.status_code == 403, (author, receiver, action)
            quick = client.post(
                "/umpan-balik/cepat",
                data={
                    "receiver_id": target.id,
                    "occurred_on": today_wib().isoformat(),
                    "context": "x",
                    "strengths": "y",
                    "improvements": "z",
                    "action": "send",
                },
            )
            assert quick.status_code == 403, (author, receiver)
        assert _count(Feedback) == 0
        assert _count(FollowUp) == 0

    def test_form_page_is_for_leaders_and_lists_only_the_subtree(self, client, org):
        ff.login(client, org.staff_a1)
        assert client.get("/umpan-balik/baru").status_code == 403
        ff.login(client, org.lurah_a)
        html = client.get("/umpan-balik/baru").get_data(as_text=True)
        assert "Staf A1" in html and "Staf A2" in html
        assert "Staf B1" not in html and "Camat Uji" not in html

    def test_invalid_form_keeps_input_and_answers_422(self, client, org):
        ff.login(client, org.lurah_a)
        data = ff.form_data(org.staff_a1, improvements="", context="Konteks yang diketik")
        data["follow_ups-0-due_on"] = ""
        response = client.post("/umpan-balik/baru", data=data)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Konteks yang diketik" in html
        assert "Isi tenggat untuk tindak lanjut ini." in html
        assert _count(Feedback) == 0

    def test_a_missing_receiver_is_a_form_error_not_a_refusal(self, client, org):
        ff.login(client, org.lurah_a)
        response = client.post(
            "/umpan-balik/baru", data=ff.form_data(org.staff_a1, receiver_id="0")
        )
        assert response.status_code == 422
        assert "Pilih penerima." in response.get_data(as_text=True)

    def test_future_date_is_refused(self, client, org):
        ff.login(client, org.lurah_a)
        data = ff.form_data(org.staff_a1, occurred_on=(today_wib() + timedelta(days=2)).isoformat())
        assert client.post("/umpan-balik/baru", data=data).status_code == 422


class TestDraftThenSent:
    def test_draft_is_private_then_sent_is_visible_and_versioned(self, client, org):
        ff.login(client, org.lurah_a)
        client.post("/umpan-balik/baru", data=ff.form_data(org.staff_a1, action="draft"))
        fb = db.session.scalars(select(Feedback)).one()
        assert fb.status == "draft"
        assert "feedback.received" not in _kinds(org.staff_a1)
        # The author edits the draft: a second version.
        response = client.post(
            f"/umpan-balik/{fb.id}/ubah",
            data=ff.form_data(org.staff_a1, strengths="Lebih baik", action="draft"),
        )
        assert response.status_code == 303
        ff.login(client, org.staff_a1)
        assert client.get(f"/umpan-balik/{fb.id}").status_code == 404  # drafts are private
        ff.login(client, org.lurah_a)
        assert client.post(f"/umpan-balik/{fb.id}/kirim").status_code == 303
        db.session.expire_all()
        assert fb.status == "sent" and fb.sent_at is not None
        numbers = list(
            db.session.scalars(
                select(FeedbackVersion.status)
                .where(FeedbackVersion.feedback_id == fb.id)
                .order_by(FeedbackVersion.number)
            )
        )
        assert numbers == ["draft", "draft", "sent"]
        ff.login(client, org.staff_a1)
        assert client.get(f"/umpan-balik/{fb.id}").status_code == 200
        history = client.get(f"/umpan-balik/{fb.id}/riwayat").get_data(as_text=True)
        assert "Versi 3 — dikirim" in history
        assert "Versi 1 — draf" not in history  # the receiver sees sent versions only
        ff.login(client, org.lurah_a)
        history = client.get(f"/umpan-balik/{fb.id}/riwayat").get_data(as_text=True)
        assert "Versi 1 — draf" in history and "Versi 3 — dikirim" in history

    def test_only_the_author_edits_a_draft(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1, sent=False)
        ff.login(client, org.camat)  # above the receiver, but drafts are the author's own
        assert client.get(f"/umpan-balik/{fb.id}/ubah").status_code == 404
        assert client.post(f"/umpan-balik/{fb.id}/kirim").status_code == 404

    def test_draft_can_be_deleted_but_sent_cannot(self, client, org):
        draft = ff.feedback(org.lurah_a, org.staff_a1, sent=False)
        sent = ff.feedback(org.lurah_a, org.staff_a2)
        ff.login(client, org.lurah_a)
        assert client.post(f"/umpan-balik/{draft.id}/hapus", data=YES).status_code == 303
        assert client.post(f"/umpan-balik/{sent.id}/hapus").status_code == 409
        assert db.session.get(Feedback, sent.id) is not None


class TestSentIsImmutable:
    def test_no_route_changes_sent_feedback(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Aksi awal", 5)])
        before = snapshot(fb)
        ff.login(client, org.lurah_a)
        attempts = [
            client.get(f"/umpan-balik/{fb.id}/ubah"),
            client.post(
                f"/umpan-balik/{fb.id}/ubah",
                data=ff.form_data(org.staff_a1, context="Diubah diam-diam"),
            ),
            client.post(f"/umpan-balik/{fb.id}/kirim"),
            client.post(f"/umpan-balik/{fb.id}/hapus"),
        ]
        assert [r.status_code for r in attempts] == [409, 409, 409, 409]
        db.session.expire_all()
        assert snapshot(db.session.get(Feedback, fb.id)) == before
        # Every other POST route of the blueprint with this id refuses to change the content.
        for rule in client.application.url_map.iter_rules():
            if (
                rule.endpoint.startswith("feedback.")
                and "POST" in rule.methods
                and rule.arguments == {"feedback_id"}
            ):
                client.post(
                    rule.rule.replace("<int:feedback_id>", str(fb.id)),
                    data={
                        "context": "x",
                        "strengths": "x",
                        "improvements": "x",
                        "body": "addendum",
                        "response": "r",
                    },
                )
        db.session.expire_all()
        assert snapshot(db.session.get(Feedback, fb.id)) == before

    def test_the_database_layer_refuses_changes_too(self, app, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1, follow_ups=[("Aksi", 5)])
        for change in (
            lambda f: setattr(f, "improvements", "lain"),
            lambda f: setattr(f, "status", "draft"),
            lambda f: setattr(f.follow_ups[0], "description", "lain"),
            lambda f: f.follow_ups.append(FollowUp(description="baru", due_on=today_wib())),
            lambda f: db.session.delete(f),
        ):
            fresh = db.session.get(Feedback, fb.id)
            change(fresh)
            with pytest.raises(SentFeedbackIsImmutable):
                db.session.flush()
            db.session.rollback()
        # What may change after sending still can.
        fresh = db.session.get(Feedback, fb.id)
        fresh.follow_ups[0].done_at = fresh.sent_at
        db.session.flush()
        db.session.rollback()

    def test_addendum_has_its_own_author_and_time(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1)
        ff.login(client, org.lurah_a)
        assert client.get(f"/umpan-balik/{fb.id}/addendum").status_code == 200
        response = client.post(f"/umpan-balik/{fb.id}/addendum", data={"body": "Tambahan penting"})
        assert response.status_code == 303
        addendum = db.session.scalars(select(FeedbackAddendum)).one()
        assert addendum.author_id == org.lurah_a.id and addendum.created_at is not None
        assert "feedback.addendum" in _kinds(org.staff_a1)
        ff.login(client, org.staff_a1)
        html = client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
        assert "Tambahan penting" in html and "Oleh Lurah A" in html
        assert "Tambahan penting" in client.get(f"/umpan-balik/{fb.id}/riwayat").get_data(
            as_text=True
        )
        # Only the author adds addenda.
        assert client.post(f"/umpan-balik/{fb.id}/addendum", data={"body": "x"}).status_code == 403
        ff.login(client, org.camat)
        assert client.get(f"/umpan-balik/{fb.id}/addendum").status_code == 403
        assert _count(FeedbackAddendum) == 1


class TestReceiving:
    def test_acknowledgement_is_recorded_once_with_its_time(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1)
        ff.login(client, org.staff_a1)
        assert client.post(f"/umpan-balik/{fb.id}/baca").status_code == 303
        db.session.expire_all()
        first = db.session.get(Feedback, fb.id).acknowledged_at
        assert first is not None
        client.post(f"/umpan-balik/{fb.id}/baca", headers=HX)
        db.session.expire_all()
        assert db.session.get(Feedback, fb.id).acknowledged_at == first
        assert _kinds(org.lurah_a).count("feedback.acknowledged") == 1

    def test_only_the_receiver_acknowledges_or_answers(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1)
        for person in (org.lurah_a, org.camat):
            ff.login(client, person)
            assert client.post(f"/umpan-balik/{fb.id}/baca").status_code == 403
            assert (
                client.post(f"/umpan-balik/{fb.id}/tanggapan", data={"response": "x"}).status_code
                == 403
            )
        ff.login(client, org.staff_a2)
        assert client.post(f"/umpan-balik/{fb.id}/baca").status_code == 404
        db.session.expire_all()
        assert db.session.get(Feedback, fb.id).acknowledged_at is None

    def test_acknowledge_and_answer_inline_with_htmx(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1)
        ff.login(client, org.staff_a1)
        ack = client.post(f"/umpan-balik/{fb.id}/baca", headers=HX)
        assert ack.status_code == 200
        html = ack.get_data(as_text=True)
        assert html.lstrip().startswith('<section id="feedback-ack"')
        assert "Sudah dibaca dan dipahami" in html and "<html" not in html
        bad = client.post(f"/umpan-balik/{fb.id}/tanggapan", data={"response": ""}, headers=HX)
        assert bad.status_code == 422 and 'id="feedback-ack"' in bad.get_data(as_text=True)
        answer = client.post(
            f"/umpan-balik/{fb.id}/tanggapan", data={"response": "Terima kasih, Bu."}, headers=HX
        )
        assert answer.status_code == 200 and "Terima kasih, Bu." in answer.get_data(as_text=True)
        db.session.expire_all()
        fresh = db.session.get(Feedback, fb.id)
        assert fresh.response == "Terima kasih, Bu." and fresh.responded_at is not None
        assert "feedback.answered" in _kinds(org.lurah_a)
        # An answer is given once.
        again = client.post(f"/umpan-balik/{fb.id}/tanggapan", data={"response": "Ubah"})
        assert again.status_code == 409
        db.session.expire_all()
        assert db.session.get(Feedback, fb.id).response == "Terima kasih, Bu."

    def test_answer_as_plain_form_also_acknowledges(self, client, org):
        fb = ff.feedback(org.lurah_a, org.staff_a1)
        ff.login(client, org.staff_a1)
        response = client.post(f"/umpan-balik/{fb.id}/tanggapan", data={"response": "Siap"})
        assert response.status_code == 303
        db.session.expire_all()
        assert db.session.get(Feedback, fb.id).acknowledged_at is not None


class TestWorkshopPicker:
    def test_live_search_returns_a_fragment_and_marks_chosen(self, client, org):
        ws = ff.workshop("Teknik Presentasi")
        ff.workshop("Pelayanan Publik yang Berempati")
        ff.workshop("Arsip Lama", active=False)
        ff.login(client, org.lurah_a)
        response = client.get("/umpan-balik/workshop/cari?workshop_q=presentasi", headers=HX)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "<html" not in html
        assert "Teknik Presentasi" in html and "Berempati" not in html
        assert f'hx-get="/umpan-balik/workshop/{ws.id}/pilih"' in html
        chosen = client.get(f"/umpan-balik/workshop/cari?workshop_q=presentasi&workshops={ws.id}")
        assert "Sudah dipilih" in chosen.get_data(as_text=True)
        assert "Arsip Lama" not in client.get(
            "/umpan-balik/workshop/cari?workshop_q=arsip"
        ).get_data(as_text=True)
        pick = client.get(f"/umpan-balik/workshop/{ws.id}/pilih", headers=HX).get_data(as_text=True)
        assert f'name="workshops" id="workshops-pick-{ws.id}" value="{ws.id}" checked' in pick
        assert client.get("/umpan-balik/workshop/99999/pilih").status_code == 404

    def test_search_special_characters_are_literal(self, client, org):
        ff.workshop("Teknik Presentasi")
        ff.login(client, org.lurah_a)
        html = client.get("/umpan-balik/workshop/cari?workshop_q=%25").get_data(as_text=True)
        assert "Tidak ada pelatihan yang cocok" in html

    def test_without_javascript_search_and_add_keep_the_typed_text(self, client, org):
        ws = ff.workshop("Teknik Presentasi")
        ff.login(client, org.lurah_a)
        data = ff.form_data(
            org.staff_a1,
            action="search",
            workshop_q="presentasi",
            context="Teks yang sudah diketik",
        )
        html = client.post("/umpan-balik/baru", data=data).get_data(as_text=True)
        assert "Teks yang sudah diketik" in html and 'name="add_workshop"' in html
        data = ff.form_data(
            org.staff_a1, add_workshop=str(ws.id), context="Teks yang sudah diketik"
        )
        html = client.post("/umpan-balik/baru", data=data).get_data(as_text=True)
        assert re.search(
            rf'<input[^>]*checked[^>]*value="{ws.id}"|<input[^>]*value="{ws.id}"[^>]*checked', html
        )
        assert _count(Feedback) == 0
        response = client.post(
            "/umpan-balik/baru", data=ff.form_data(org.staff_a1, workshops=[str(ws.id)])
        )
        assert response.status_code == 303
        fb = db.session.scalars(select(Feedback)).one()
        assert [(w.workshop_id, w.title) for w in fb.workshops] == [(ws.id, "Teknik Presentasi")]
        ff.login(client, org.staff_a1)
        html = client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
        assert f"/pelatihan/program/{ws.id}" in html  # straight to the page where staff register

    def test_add_row_without_javascript(self, client, org):
        ff.login(client, org.lurah_a)
        html = client.post(
            "/umpan-balik/baru", data=ff.form_data(org.staff_a1, action="add_row")
        ).get_data(as_text=True)
        assert 'name="follow_ups-2-description"' in html and _count(Feedback) == 0


class TestQuickGive:
    def test_panel_is_a_fragment_and_sends(self, client, org):
        ff.login(client, org.lurah_a)
        panel = client.get(f"/umpan-balik/tim/{org.staff_a1.id}/cepat", headers=HX)
        assert panel.status_code == 200 and "<html" not in panel.get_data(as_text=True)
        assert client.get(f"/umpan-balik/tim/{org.staff_b1.id}/cepat").status_code == 404
        data = {
            "receiver_id": org.staff_a1.id,
            "occurred_on": today_wib().isoformat(),
            "context": "Apel pagi",
            "strengths": "Tepat waktu",
            "improvements": "Laporan",
            "action": "send",
        }
        bad = client.post("/umpan-balik/cepat", data={**data, "strengths": ""}, headers=HX)
        assert bad.status_code == 422
        done = client.post("/umpan-balik/cepat", data=data, headers=HX)
        assert done.status_code == 200 and "team-changed" in done.headers["HX-Trigger"]
        fb = db.session.scalars(select(Feedback)).one()
        assert fb.status == "sent" and fb.receiver_id == org.staff_a1.id
        plain = client.post("/umpan-balik/cepat", data={**data, "action": "draft"})
        assert plain.status_code == 303 and plain.headers["Location"].endswith("/umpan-balik/tim")


def test_concurrent_sends_of_one_draft_send_it_once(app, org):
    """Two tabs press "Kirim" at once: the row lock lets one send and refuses the other."""
    import threading

    fb_id = ff.feedback(org.lurah_a, org.staff_a1, sent=False).id
    receiver_id = org.staff_a1.id
    clients = [app.test_client() for _ in range(2)]
    for each in clients:
        ff.login(each, org.lurah_a)
    db.session.commit()
    db.session.close()
    barrier = threading.Barrier(2)
    statuses = []

    def press(each):
        barrier.wait()
        statuses.append(each.post(f"/umpan-balik/{fb_id}/kirim").status_code)

    threads = [threading.Thread(target=press, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [303, 409]
    sent_versions = db.session.scalar(
        select(func.count(FeedbackVersion.id)).where(
            FeedbackVersion.feedback_id == fb_id, FeedbackVersion.status == "sent"
        )
    )
    assert sent_versions == 1
    received = select(func.count(Notification.id)).where(
        Notification.recipient_id == receiver_id, Notification.kind == "feedback.received"
    )
    assert db.session.scalar(received) == 1


def test_csrf_protects_feedback_actions_htmx_included(csrf_app):
    from tests import factories
    from tests.conftest import PASSWORD

    org = factories.small_org()
    fb = ff.feedback(org.lurah_a, org.staff_a1)
    client = csrf_app.test_client()

    def token(html):
        return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    login_page = client.get("/masuk").get_data(as_text=True)
    client.post(
        "/masuk",
        data={
            "identifier": org.staff_a1.email,
            "password": PASSWORD,
            "csrf_token": token(login_page),
        },
    )
    page = client.get(f"/umpan-balik/{fb.id}").get_data(as_text=True)
    assert client.post(f"/umpan-balik/{fb.id}/baca", headers=HX).status_code == 400
    assert db.session.get(Feedback, fb.id).acknowledged_at is None
    response = client.post(f"/umpan-balik/{fb.id}/baca", headers={**HX, "X-CSRFToken": token(page)})
    assert response.status_code == 200
