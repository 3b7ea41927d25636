"""Requests: staff ask their direct superior; the leader's queue; answering links and closes;
declining shows the reason to the requester."""

from sqlalchemy import select

from blueprints.feedback.models import Feedback, FeedbackRequest
from blueprints.notifications.models import Notification
from extensions import db
from tests import factories_feedback as ff


def _notes(person, kind):
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.recipient_id == person.id, Notification.kind == kind
            )
        )
    )


def test_staff_ask_their_direct_superior_who_sees_a_queue(client, org):
    ff.login(client, org.staff_a1)
    form = client.get("/umpan-balik/permintaan/baru").get_data(as_text=True)
    assert "Lurah A" in form  # the request goes to the direct superior, named on the form
    response = client.post(
        "/umpan-balik/permintaan/baru",
        data={"topic": "Cara saya memandu rapat", "detail": "Rapat RT"},
    )
    assert response.status_code == 303
    request = db.session.scalars(select(FeedbackRequest)).one()
    assert (request.requester_id, request.leader_id, request.status) == (
        org.staff_a1.id,
        org.lurah_a.id,
        "open",
    )
    assert len(_notes(org.lurah_a, "feedback.request_received")) == 1
    ff.login(client, org.lurah_a)
    queue = client.get("/umpan-balik/permintaan").get_data(as_text=True)
    assert "Cara saya memandu rapat" in queue and f"/umpan-balik/baru?request={request.id}" in queue
    ff.login(client, org.camat)  # only the leader asked sees it in their queue
    assert "Cara saya memandu rapat" not in client.get("/umpan-balik/permintaan").get_data(
        as_text=True
    )


def test_a_head_asks_the_head_above(client, org):
    ff.login(client, org.lurah_a)
    client.post("/umpan-balik/permintaan/baru", data={"topic": "Kepemimpinan rapat"})
    assert db.session.scalars(select(FeedbackRequest)).one().leader_id == org.camat.id


def test_answering_links_the_feedback_and_closes_the_request(client, org):
    request = ff.request(org.staff_a1, org.lurah_a, topic="Paparan musyawarah")
    ff.login(client, org.lurah_a)
    page = client.get(f"/umpan-balik/baru?request={request.id}").get_data(as_text=True)
    assert "Menjawab permintaan dari Staf A1" in page and "Paparan musyawarah" in page
    # A draft keeps the request open.
    client.post(
        "/umpan-balik/baru",
        data=ff.form_data(org.staff_a1, request_id=str(request.id), action="draft"),
    )
    db.session.expire_all()
    assert db.session.get(FeedbackRequest, request.id).status == "open"
    fb = db.session.scalars(select(Feedback)).one()
    assert fb.request_id == request.id
    client.post(f"/umpan-balik/{fb.id}/kirim")
    db.session.expire_all()
    closed = db.session.get(FeedbackRequest, request.id)
    assert closed.status == "answered" and closed.closed_at is not None
    assert closed.feedback.id == fb.id
    ff.login(client, org.staff_a1)
    mine = client.get("/umpan-balik/permintaan").get_data(as_text=True)
    assert "Dijawab" in mine and f"/umpan-balik/{fb.id}" in mine
    # A closed request cannot be answered again.
    ff.login(client, org.lurah_a)
    assert client.get(f"/umpan-balik/baru?request={request.id}").status_code == 409


def test_request_answered_directly_with_send(client, org):
    request = ff.request(org.staff_a2, org.lurah_a)
    ff.login(client, org.lurah_a)
    response = client.post(
        "/umpan-balik/baru", data=ff.form_data(org.staff_b1, request_id=str(request.id))
    )
    # The receiver is the requester whatever the form says.
    assert response.status_code == 303
    fb = db.session.scalars(select(Feedback)).one()
    assert fb.receiver_id == org.staff_a2.id and fb.request_id == request.id
    assert db.session.get(FeedbackRequest, request.id).status == "answered"


def test_decline_shows_the_reason_to_the_requester(client, org):
    request = ff.request(org.staff_a1, org.lurah_a, topic="Penanganan pengaduan")
    ff.login(client, org.lurah_a)
    assert (
        client.post(f"/umpan-balik/permintaan/{request.id}/tolak", data={"reason": ""}).status_code
        == 422
    )
    response = client.post(
        f"/umpan-balik/permintaan/{request.id}/tolak",
        data={"reason": "Saya dinas luar sampai akhir bulan."},
    )
    assert response.status_code == 303
    db.session.expire_all()
    declined = db.session.get(FeedbackRequest, request.id)
    assert declined.status == "declined" and declined.closed_at is not None
    assert len(_notes(org.staff_a1, "feedback.request_declined")) == 1
    ff.login(client, org.staff_a1)
    for page in ("/umpan-balik/permintaan", "/umpan-balik/"):
        html = client.get(page).get_data(as_text=True)
        assert "Ditolak" in html and "Saya dinas luar sampai akhir bulan." in html
    ff.login(client, org.lurah_a)
    assert (
        client.post(
            f"/umpan-balik/permintaan/{request.id}/tolak", data={"reason": "lagi"}
        ).status_code
        == 409
    )


def test_others_cannot_decline_or_answer_or_see(client, org):
    request = ff.request(org.staff_a1, org.lurah_a)
    ff.login(client, org.staff_a1)  # the requester sees it but cannot decline it
    assert (
        client.post(f"/umpan-balik/permintaan/{request.id}/tolak", data={"reason": "x"}).status_code
        == 403
    )
    for person in (org.camat, org.lurah_b, org.staff_a2, org.admin):
        ff.login(client, person)
        assert client.get(f"/umpan-balik/permintaan/{request.id}/tolak").status_code == 404
        assert client.get(f"/umpan-balik/baru?request={request.id}").status_code in (403, 404)
    ff.login(client, org.camat)
    response = client.post(
        "/umpan-balik/baru", data=ff.form_data(org.staff_a1, request_id=str(request.id))
    )
    assert response.status_code == 404
    assert db.session.get(FeedbackRequest, request.id).status == "open"
    assert db.session.scalars(select(Feedback)).first() is None


def test_staff_without_superior_cannot_request(client, org):
    ff.login(client, org.camat)
    page = client.get("/umpan-balik/permintaan/baru").get_data(as_text=True)
    assert "belum memiliki atasan langsung" in page
    assert client.post("/umpan-balik/permintaan/baru", data={"topic": "x"}).status_code == 409
