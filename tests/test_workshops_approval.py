"""Izin atasan: a pending request holds no seat; only the direct superior decides."""

import pytest
from sqlalchemy import select

from blueprints.notifications.models import Notification
from blueprints.notifications.services import notify
from blueprints.workshops.models import Registration
from blueprints.workshops.registration import pending_approvals_for
from blueprints.workshops.seats import counts_for
from extensions import db
from tests import factories_workshops as wf
from tests.conftest import HX


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def ws(org):
    return wf.workshop(org.organizer, "Kepemimpinan Perubahan", requires_approval=True)


def reg_of(session, person):
    db.session.expire_all()
    return db.session.scalars(
        select(Registration).where(
            Registration.session_id == session.id, Registration.employee_id == person.id
        )
    ).first()


def test_pending_request_holds_no_seat_and_asks_the_superior(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    login_as(org.staff_a1)
    response = client.post(f"/pelatihan/sesi/{s.id}/daftar", headers=HX)
    assert "Permohonan terkirim" in response.get_data(as_text=True)
    assert reg_of(s, org.staff_a1).status == "pending_approval"
    assert counts_for(s.id) == (0, 0)
    # Someone else can still take the only seat.
    login_as(org.staff_b1)
    client.post(f"/pelatihan/sesi/{s.id}/daftar")
    assert reg_of(s, org.staff_b1).status == "pending_approval"
    note = db.session.scalars(
        select(Notification).where(Notification.kind == "workshops.approval_requested")
    ).all()
    assert {n.recipient_id for n in note} == {org.lurah_a.id, org.lurah_b.id}


def test_only_the_direct_superior_sees_and_decides(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    r = wf.registration(s, org.staff_a1, "pending_approval")
    assert [x.id for x in pending_approvals_for(org.lurah_a)] == [r.id]
    assert pending_approvals_for(org.lurah_b) == []
    assert pending_approvals_for(org.camat) == []  # above, but not the direct superior
    for outsider in (org.lurah_b, org.camat, org.organizer, org.admin, org.staff_a1):
        login_as(outsider)
        assert client.post(f"/pelatihan/persetujuan/{r.id}/setujui").status_code == 404
        assert (
            client.post(
                f"/pelatihan/persetujuan/{r.id}/tolak", data={f"tolak-{r.id}-reason": "x"}
            ).status_code
            == 404
        )
        assert reg_of(s, org.staff_a1).status == "pending_approval"
    login_as(org.lurah_a)
    page = client.get("/pelatihan/persetujuan").get_data(as_text=True)
    assert "Staf A1" in page and "Setujui" in page
    response = client.post(f"/pelatihan/persetujuan/{r.id}/setujui", headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="workshop-approvals"' in body and "<html" not in body
    assert "Staf A1 terdaftar" in body
    reg = reg_of(s, org.staff_a1)
    assert reg.status == "confirmed" and reg.decided_by_id == org.lurah_a.id
    assert counts_for(s.id) == (1, 0)
    kinds = [
        n.kind
        for n in db.session.scalars(
            select(Notification).where(Notification.recipient_id == org.staff_a1.id)
        )
    ]
    assert "workshops.approved_confirmed" in kinds
    # Decided once: a second decision finds nothing to decide.
    assert client.post(f"/pelatihan/persetujuan/{r.id}/setujui").status_code == 404
    assert reg_of(s, org.staff_a1).status == "confirmed"


def test_approval_of_a_full_session_waitlists(client, org, login_as, ws):
    s = wf.session(ws, capacity=1)
    wf.registration(s, org.staff_sek, "confirmed")
    r = wf.registration(s, org.staff_a1, "pending_approval")
    login_as(org.lurah_a)
    # Without JavaScript the form returns to the page that showed it (safe local paths only).
    response = client.post(f"/pelatihan/persetujuan/{r.id}/setujui", data={"next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert reg_of(s, org.staff_a1).status == "waitlisted"
    r2 = wf.registration(s, org.staff_a2, "pending_approval")
    response = client.post(
        f"/pelatihan/persetujuan/{r2.id}/setujui", data={"next": "//contoh.com/"}
    )
    assert response.headers["Location"] == "/pelatihan/persetujuan"
    assert counts_for(s.id) == (1, 2)


def test_decline_needs_a_reason_and_tells_the_requester(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    r = wf.registration(s, org.staff_a1, "pending_approval")
    login_as(org.lurah_a)
    response = client.post(
        f"/pelatihan/persetujuan/{r.id}/tolak", data={f"tolak-{r.id}-reason": ""}, headers=HX
    )
    assert response.status_code == 422
    assert reg_of(s, org.staff_a1).status == "pending_approval"
    response = client.post(
        f"/pelatihan/persetujuan/{r.id}/tolak",
        data={f"tolak-{r.id}-reason": "Bertepatan dengan pelayanan PBB di kelurahan."},
    )
    assert response.status_code == 303
    reg = reg_of(s, org.staff_a1)
    assert reg.status == "declined"
    assert reg.decision_reason == "Bertepatan dengan pelayanan PBB di kelurahan."
    assert counts_for(s.id) == (0, 0)
    note = db.session.scalars(
        select(Notification).where(Notification.kind == "workshops.declined")
    ).one()
    assert note.recipient_id == org.staff_a1.id
    assert note.params["reason"] == "Bertepatan dengan pelayanan PBB di kelurahan."
    # The requester sees why on the session page.
    login_as(org.staff_a1)
    page = client.get(f"/pelatihan/sesi/{s.id}").get_data(as_text=True)
    assert "Bertepatan dengan pelayanan PBB" in page


def test_a_unit_head_asks_the_head_above_and_the_top_asks_nobody(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    login_as(org.lurah_a)
    client.post(f"/pelatihan/sesi/{s.id}/daftar")
    assert reg_of(s, org.lurah_a).status == "pending_approval"
    assert [x.employee_id for x in pending_approvals_for(org.camat)] == [org.lurah_a.id]
    # Without a superior (the head of the root unit) the request goes straight through.
    login_as(org.camat)
    client.post(f"/pelatihan/sesi/{s.id}/daftar")
    assert reg_of(s, org.camat).status == "confirmed"


def test_approvals_fragment_can_be_included_elsewhere(app, org, ws):
    """The dashboard may include the fragment with nothing but `approvals`."""
    from flask import render_template
    from flask_login import login_user

    s = wf.session(ws, capacity=5)
    wf.registration(s, org.staff_a1, "pending_approval")
    with app.test_request_context("/"):
        login_user(org.lurah_a)
        html = render_template(
            "workshops/_approvals.html", approvals=pending_approvals_for(org.lurah_a)
        )
    assert "Staf A1" in html and "Tolak" in html and "hx-post" in html


# --- deciding updates every figure it changes (issue 15) -------------------------------------
def _unread(person) -> dict[str, int]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(Notification).where(
            Notification.recipient_id == person.id, Notification.read_at.is_(None)
        )
    )
    links: dict[str, int] = {}
    for note in rows:
        links[note.link] = links.get(note.link, 0) + 1
    return links


def test_deciding_reads_exactly_the_notifications_that_asked_for_it(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    login_as(org.staff_a1)
    client.post(f"/pelatihan/sesi/{s.id}/daftar")
    login_as(org.staff_a2)
    client.post(f"/pelatihan/sesi/{s.id}/daftar")
    first, second = reg_of(s, org.staff_a1), reg_of(s, org.staff_a2)
    # Each request's notification leads to that request on the approvals page.
    link_1 = f"/pelatihan/persetujuan#izin-{first.id}"
    link_2 = f"/pelatihan/persetujuan#izin-{second.id}"
    # A notification of an older version pointed at the page as a whole.
    notify(org.lurah_a, "workshops.approval_requested", link="/pelatihan/persetujuan", name="X")
    db.session.commit()
    assert _unread(org.lurah_a) == {link_1: 1, link_2: 1, "/pelatihan/persetujuan": 1}

    login_as(org.lurah_a)
    response = client.post(f"/pelatihan/persetujuan/{first.id}/setujui", headers=HX)
    assert set(response.headers["HX-Trigger"].split(",")) == {
        "approvals-changed",
        "notifications-changed",
    }
    assert _unread(org.lurah_a) == {link_2: 1, "/pelatihan/persetujuan": 1}
    client.post(
        f"/pelatihan/persetujuan/{second.id}/tolak",
        data={f"tolak-{second.id}-reason": "Ada tugas lapangan."},
    )
    assert _unread(org.lurah_a) == {}  # nothing waits any more: the old one is read too


def test_the_home_figures_refresh_from_a_fragment(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    first = wf.registration(s, org.staff_a1, "pending_approval")
    wf.registration(s, org.staff_a2, "pending_approval")
    db.session.commit()
    login_as(org.lurah_a)
    page = client.get("/").get_data(as_text=True)
    assert 'data-hx-trigger="approvals-changed from:body"' in page
    assert '<p class="stat" id="action-count">2</p>' in page
    client.post(f"/pelatihan/persetujuan/{first.id}/setujui", headers=HX)
    fragment = client.get("/", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and 'id="needs-summary"' in fragment
    assert '<p class="stat" id="action-count">1</p>' in fragment
    # The section's count, out of band.
    assert (
        '<h2 id="needs-approvals-h" data-hx-swap-oob="true">Izin pelatihan menunggu keputusan '
        'Anda <span class="count-pill">1</span></h2>'
    ) in fragment


def test_the_same_message_with_and_without_javascript(client, org, login_as, ws):
    s = wf.session(ws, capacity=5)
    with_js = wf.registration(s, org.staff_a1, "pending_approval")
    without_js = wf.registration(s, org.staff_a2, "pending_approval")
    db.session.commit()
    login_as(org.lurah_a)
    fragment = client.post(f"/pelatihan/persetujuan/{with_js.id}/setujui", headers=HX)
    assert "Disetujui: Staf A1 terdaftar." in fragment.get_data(as_text=True)
    page = client.post(
        f"/pelatihan/persetujuan/{without_js.id}/setujui",
        data={"next": "/"},
        follow_redirects=True,
    )
    assert "Disetujui: Staf A2 terdaftar." in page.get_data(as_text=True)
