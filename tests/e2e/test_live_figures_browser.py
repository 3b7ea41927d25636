"""In-place actions update every figure they change (issue 15): the "hadir" count above a
participant list follows each attendance toggle (out-of-band swap), and the notification badge
drops when the receiver acknowledges and answers the feedback it announced (HX-Trigger)."""

from datetime import timedelta

from playwright.sync_api import expect

from blueprints.common.timefmt import utcnow
from blueprints.notifications.services import notify
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
