"""The personal calendar feed tells subscribing apps how often to refresh (issue 13)."""

from datetime import timedelta

from icalendar import Calendar

from blueprints.common.timefmt import utcnow
from blueprints.workshops.calendar import calendar_token
from extensions import db
from tests import factories_workshops as wf


def test_feed_carries_refresh_interval_and_published_ttl(client, org):
    ws = wf.workshop(org.organizer, "Komunikasi Efektif")
    wf.registration(
        wf.session(ws, starts_at=utcnow() + timedelta(days=3)), org.staff_a1, "confirmed"
    )
    token = calendar_token(org.staff_a1).token
    db.session.commit()
    response = client.get(f"/pelatihan/kalender/{token}.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert "X-PUBLISHED-TTL:PT1H" in body
    cal = Calendar.from_ical(response.data)
    assert cal.decoded("refresh-interval") == timedelta(hours=1)
    assert len([c for c in cal.walk() if c.name == "VEVENT"]) == 1
