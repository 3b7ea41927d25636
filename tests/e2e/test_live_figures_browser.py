"""In-place actions update every figure they change (issue 15): the "hadir" count above a
participant list follows each attendance toggle (out-of-band swap), the notification badge
drops when the receiver acknowledges and answers the feedback it announced (HX-Trigger), and
deciding a request for izin atasan on the home page updates "N hal menunggu", the section's
count and the badge (approvals-changed and notifications-changed)."""

from datetime import timedelta

from playwright.sync_api import expect

from blueprints.common.timefmt import utcnow
from blueprints.notifications.services import notify
from blueprints.workshops.rules import approval_link, when_text
from extensions import db
from tests import factories
from tests import factories_feedback as ff
from tests import factories_workshops as wf
from tests.e2e.conftest import login


def test_the_attendance_count_follows_each_toggle(page, live_server, live_app):
    org = factories.small_org()
    wf.fast_logins()
    s = wf.session(wf.workshop(org.organizer, "Empati"), starts_at=utcnow() - timedelta(minutes=20))
    wf.registration(s, org.staff_a1, "confirmed")
    wf.registration(s, org.staff_a2, "confirmed")
    db.session.commit()
    login(page, org.organizer.email)
    page.goto(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    count = page.locator(f"#attended-count-{s.id}")
    expect(count).to_have_text("0")
    page.get_by_role("button", name="Hadir Staf A1").click()
    expect(count).to_have_text("1")
    page.get_by_role("button", name="Hadir Staf A2").click()
    expect(count).to_have_text("2")
    page.get_by_role("button", name="Hadir Staf A1").click()
    expect(count).to_have_text("1")


def test_the_badge_drops_after_acknowledging_and_answering(page, live_server, live_app):
    org = factories.small_org()
    first = ff.feedback(org.lurah_a, org.staff_a1)
    second = ff.feedback(org.lurah_a, org.staff_a1)
    for fb in (first, second):
        notify(org.staff_a1, "feedback.received", link=f"/umpan-balik/{fb.id}", author="Lurah")
    db.session.commit()
    login(page, org.staff_a1.email)
    page.goto(f"/umpan-balik/{first.id}")
    badge = page.locator("#notif-badge .badge")
    expect(badge).to_have_text("2")
    page.get_by_role("button", name="Saya sudah membaca dan memahami").click()
    expect(badge).to_have_text("1")
    page.goto(f"/umpan-balik/{second.id}")
    expect(badge).to_have_text("1")
    page.get_by_label("Tanggapan Anda").fill("Terima kasih, Pak Lurah.")
    page.get_by_role("button", name="Kirim tanggapan").click()
    expect(page.locator("#feedback-ack")).to_contain_text("Terima kasih, Pak Lurah.")
    expect(page.locator("#notif-badge .badge")).to_have_count(0)


def test_deciding_requests_on_the_home_page_updates_every_figure(page, live_server, live_app):
    org = factories.small_org()
    wf.fast_logins()
    ws = wf.workshop(org.organizer, "Kepemimpinan Perubahan", requires_approval=True)
    s = wf.session(ws, starts_at=utcnow() + timedelta(days=6))
    first = wf.registration(s, org.staff_a1, "pending_approval")
    second = wf.registration(s, org.staff_a2, "pending_approval")
    with live_app.test_request_context():
        for r in (first, second):
            notify(
                org.lurah_a,
                "workshops.approval_requested",
                link=approval_link(r.id),
                name=r.employee.name,
                workshop=ws.title,
                when=when_text(s),
            )
    db.session.commit()
    login(page, org.lurah_a.email)
    page.goto("/")
    waiting = page.locator("#action-count")
    section = page.locator("#needs-approvals-h .count-pill")
    badge = page.locator("#notif-badge .badge")
    expect(waiting).to_have_text("2")
    expect(section).to_have_text("2")
    expect(badge).to_have_text("2")

    page.locator(f"#izin-{first.id}").get_by_role("button", name="Setujui").click()
    expect(page.locator("#workshop-approvals").get_by_role("status")).to_have_text(
        "Disetujui: Staf A1 terdaftar."
    )
    expect(waiting).to_have_text("1")
    expect(section).to_have_text("1")
    expect(badge).to_have_text("1")

    card = page.locator(f"#izin-{second.id}")
    card.get_by_label("Alasan penolakan").fill("Bertepatan dengan pelayanan PBB.")
    card.get_by_role("button", name="Tolak").click()
    page.locator("#confirm-dialog").get_by_role("button", name="Ya, lanjutkan").click()
    expect(page.locator("#workshop-approvals").get_by_role("status")).to_have_text(
        "Permohonan Staf A2 ditolak; alasannya dikirim kepadanya."
    )
    expect(waiting).to_have_count(0)
    expect(page.locator("#action-count-none")).to_have_text(
        "Tidak ada yang menunggu tindakan Anda saat ini."
    )
    expect(section).to_have_text("0")
    expect(badge).to_have_count(0)
    # What the page shows now is what a reload shows.
    page.reload()
    expect(page.locator("#action-count-none")).to_be_visible()
    expect(page.locator("#notif-badge .badge")).to_have_count(0)


def test_deciding_without_javascript_shows_the_same_message_and_figures(
    page_nojs, live_server, live_app
):
    org = factories.small_org()
    wf.fast_logins()
    ws = wf.workshop(org.organizer, "Kepemimpinan Perubahan", requires_approval=True)
    s = wf.session(ws, starts_at=utcnow() + timedelta(days=6))
    first = wf.registration(s, org.staff_a1, "pending_approval")
    wf.registration(s, org.staff_a2, "pending_approval")
    with live_app.test_request_context():
        notify(org.lurah_a, "workshops.approval_requested", link=approval_link(first.id), name="")
    db.session.commit()
    page = page_nojs
    login(page, org.lurah_a.email)
    page.goto("/")
    expect(page.locator("#action-count")).to_have_text("2")
    page.locator(f"#izin-{first.id}").get_by_role("button", name="Setujui").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#flash")).to_have_text("Disetujui: Staf A1 terdaftar.")
    expect(page.locator("#action-count")).to_have_text("1")
    expect(page.locator("#needs-approvals-h .count-pill")).to_have_text("1")
    expect(page.locator("#notif-badge .badge")).to_have_count(0)
