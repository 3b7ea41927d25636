"""The home page lists exactly what needs each person now (and never the near misses)."""

from flask import g

from blueprints.dashboard import services
from extensions import db
from tests import factories_dashboard as fd


def _fresh():
    for name in list(vars(g)):
        delattr(g, name)


def _home(person):
    _fresh()
    return services.home(db.session.get(type(person), person.id))


def test_staff_home_lists_exactly_their_items(app, org, client, login_as):
    ns = fd.home_scenario(org)
    data = _home(org.staff_a1)
    assert [f.id for f in data.unread_feedback.items] == [ns.unread.id]
    # Due within a week or overdue, not done; soonest first.
    assert [f.id for f in data.follow_ups.items] == [ns.overdue.id, ns.due_soon.id]
    assert [w.wave.id for w in data.surveys] == [ns.wave_a.id]  # the answered one is not there
    assert [r.session_id for r in data.upcoming] == [ns.upcoming.id]
    assert not data.leader and not data.organizer
    assert data.action_count == 1 + 2 + 1

    login_as(org.staff_a1)
    html = client.get("/").get_data(as_text=True)
    assert fd.links(fd.section(html, "needs-feedback")) == [f"/umpan-balik/{ns.unread.id}"]
    follow_links = fd.links(fd.section(html, "needs-follow-ups"))
    assert follow_links == [f"/umpan-balik/{ns.read.id}"] * 2
    assert f"/survei/{ns.wave_a.id}" in fd.links(fd.section(html, "needs-surveys"))
    assert f"/pelatihan/sesi/{ns.upcoming.id}" in fd.links(fd.section(html, "needs-sessions"))
    for absent in ("needs-requests", "needs-approvals", "needs-attendance", "needs-records"):
        assert fd.section(html, absent) is None, absent
    assert "Survei Kecamatan" not in html and "Survei lama" not in html


def test_leader_home_lists_requests_approvals_confirmations_goals(app, org, client, login_as):
    ns = fd.home_scenario(org)
    data = _home(org.lurah_a)
    assert data.leader
    assert [r.id for r in data.requests.items] == [ns.open_request.id]
    assert [r.id for r in data.approvals] == [ns.approval.id]
    # Done by the receiver (first), then overdue; the not-yet-due ones are not there.
    assert [f.id for f in data.to_confirm.items] == [ns.done.id, ns.overdue.id]
    assert [goal.id for goal in data.goals.items] == [ns.proposed_goal.id]
    assert data.unread_feedback.total == 0 and data.follow_ups.total == 0
    # Invited to Kelurahan A's wave (not answered), not to the kecamatan one (answered).
    assert [w.wave.id for w in data.surveys] == [ns.wave_a.id]
    assert data.action_count == 1 + 1 + 2 + 1 + 1

    login_as(org.lurah_a)
    html = client.get("/").get_data(as_text=True)
    assert fd.links(fd.section(html, "needs-requests")) == [
        f"/umpan-balik/baru?request={ns.open_request.id}"
    ]
    approvals = fd.section(html, "needs-approvals")
    assert f"/pelatihan/persetujuan/{ns.approval.id}/setujui" in approvals
    assert fd.links(fd.section(html, "needs-goals")) == [f"/umpan-balik/rencana/{org.staff_a1.id}"]
    assert fd.section(html, "needs-confirm") is not None


def test_camat_is_not_asked_for_what_a_lurah_decides(app, org, client, login_as):
    fd.home_scenario(org)
    data = _home(org.camat)
    assert data.leader
    assert data.requests.total == 0 and data.approvals == [] and data.goals.total == 0
    assert data.action_count == 0
    login_as(org.camat)
    html = client.get("/").get_data(as_text=True)
    assert "Tidak ada yang menunggu tindakan Anda saat ini." in html


def test_organizer_home_lists_attendance_and_records(app, org, client, login_as):
    ns = fd.home_scenario(org)
    data = _home(org.organizer)
    assert data.organizer
    assert [(s.id, confirmed, attended) for s, confirmed, attended in data.attendance.items] == [
        (ns.to_mark.id, 2, 0)
    ]
    assert [r.id for r in data.records.items] == [ns.record.id]  # not their own, not verified
    login_as(org.organizer)
    html = client.get("/").get_data(as_text=True)
    assert fd.links(fd.section(html, "needs-attendance")) == [
        f"/pelatihan/kelola/sesi/{ns.to_mark.id}/peserta"
    ]
    assert f"#eksternal-{ns.record.id}" in fd.section(html, "needs-records")


def test_items_leave_home_once_handled(app, org):
    ns = fd.home_scenario(org)
    from blueprints.common.timefmt import utcnow

    ns.unread.acknowledged_at = utcnow()
    ns.overdue.done_at = utcnow()
    ns.open_request.status, ns.open_request.closed_at = "answered", utcnow()
    fd.participate(ns.wave_a, org.staff_a1)
    ns.to_mark.status = "completed"
    ns.record.status = "verified"
    db.session.commit()
    staff = _home(org.staff_a1)
    assert staff.unread_feedback.total == 0 and staff.surveys == []
    assert [f.id for f in staff.follow_ups.items] == [ns.due_soon.id]
    assert _home(org.lurah_a).requests.total == 0
    organizer = _home(org.organizer)
    assert organizer.attendance.total == 0 and organizer.records.total == 0


def test_home_needs_login_and_healthz_stays_public(client):
    assert client.get("/").status_code == 302
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
