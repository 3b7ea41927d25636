"""The online meeting link of a session: one rule (access.can_see_meeting_link) for the session
page, the session's .ics and the personal calendar feed. Confirmed participants and the
workshop's managers get it; waitlisted and pending registrations and everyone else do not."""

import io
from datetime import timedelta

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from blueprints.common.timefmt import utcnow
from blueprints.workshops.calendar import calendar_token
from extensions import db
from tests import factories
from tests import factories_workshops as wf

LINK = "https://meet.example.org/rapat-pelatihan-7Xq2"


@pytest.fixture
def setup(org):
    other_organizer = factories.employee(
        org.sek, "Penyelenggara Lain", email="penyelenggara.lain@uji.local", roles=["organizer"]
    )
    wf.fast_logins()
    ws = wf.workshop(org.organizer, "Pelatihan Daring", description="Materi pengantar.")
    session = wf.session(ws, starts_at=utcnow() + timedelta(days=5), venue="", online_url=LINK)
    wf.registration(session, org.staff_a1, "confirmed")
    wf.registration(session, org.staff_a2, "waitlisted")
    wf.registration(session, org.staff_b1, "pending_approval")
    # The manager's own registration is only waitlisted: the link comes from managing it.
    wf.registration(session, org.organizer, "waitlisted")
    return session, other_organizer


def _unfolded(body: bytes) -> str:
    return body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def _feed(client, person) -> tuple[bytes, list]:
    token = calendar_token(person).token
    db.session.commit()
    client.post("/keluar")  # the feed needs no login: calendar apps have no session
    response = client.get(f"/pelatihan/kalender/{token}.ics")
    assert response.status_code == 200
    events = [c for c in Calendar.from_ical(response.data).walk() if c.name == "VEVENT"]
    return response.data, events


def _sees(client, login_as, person, session) -> dict[str, bool]:
    login_as(person)
    page = client.get(f"/pelatihan/sesi/{session.id}")
    assert page.status_code == 200
    ics = client.get(f"/pelatihan/sesi/{session.id}/kalender.ics")
    assert ics.status_code == 200
    ics_events = [c for c in Calendar.from_ical(ics.data).walk() if c.name == "VEVENT"]
    assert len(ics_events) == 1
    feed_body, feed_events = _feed(client, person)
    return {
        "page": LINK in page.get_data(as_text=True),
        "ics": LINK in _unfolded(ics.data)
        or LINK in str(ics_events[0].get("location", ""))
        or LINK in str(ics_events[0].get("description", "")),
        "feed": LINK in _unfolded(feed_body)
        or any(
            LINK in str(e.get("location", "")) or LINK in str(e.get("description", ""))
            for e in feed_events
        ),
        "in_feed": any(f"sesi-{session.id}@" in str(e.get("uid")) for e in feed_events),
    }


def test_confirmed_participant_gets_the_link_everywhere(client, org, login_as, setup):
    session, _other = setup
    seen = _sees(client, login_as, org.staff_a1, session)
    assert seen == {"page": True, "ics": True, "feed": True, "in_feed": True}


def test_manager_gets_the_link_everywhere(client, org, login_as, setup):
    session, _other = setup
    seen = _sees(client, login_as, org.organizer, session)
    assert seen == {"page": True, "ics": True, "feed": True, "in_feed": True}


@pytest.mark.parametrize("who", ["staff_a2", "staff_b1"], ids=["waitlisted", "pending"])
def test_waitlisted_and_pending_get_the_session_without_the_link(client, org, login_as, setup, who):
    session, _other = setup
    seen = _sees(client, login_as, getattr(org, who), session)
    # The session is in their feed (tentative), but neither it nor the page or .ics has the link.
    assert seen == {"page": False, "ics": False, "feed": False, "in_feed": True}


@pytest.mark.parametrize("who", ["staff_sek", "other_organizer"])
def test_unrelated_people_do_not_get_the_link(client, org, login_as, setup, who):
    session, other_organizer = setup
    person = other_organizer if who == "other_organizer" else org.staff_sek
    seen = _sees(client, login_as, person, session)
    assert seen == {"page": False, "ics": False, "feed": False, "in_feed": False}


def test_the_ics_without_the_link_keeps_the_venue(client, org, login_as, setup):
    session, _other = setup
    session.venue = "Aula Kantor Camat"
    db.session.commit()
    login_as(org.staff_a2)  # waitlisted
    ics = client.get(f"/pelatihan/sesi/{session.id}/kalender.ics")
    event = next(c for c in Calendar.from_ical(ics.data).walk() if c.name == "VEVENT")
    assert str(event["location"]) == "Aula Kantor Camat"
    assert LINK not in _unfolded(ics.data)
    assert "Materi pengantar." in str(event["description"])


def test_participant_exports_do_not_carry_the_link(client, org, login_as, setup):
    session, _other = setup
    login_as(org.organizer)
    csv = client.get(f"/pelatihan/kelola/sesi/{session.id}/peserta.csv")
    assert csv.status_code == 200 and LINK not in csv.get_data(as_text=True)
    xlsx = client.get(f"/pelatihan/kelola/sesi/{session.id}/peserta.xlsx")
    assert xlsx.status_code == 200
    cells = [
        str(c.value) for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows() for c in row
    ]
    assert cells and all(LINK not in value for value in cells)
