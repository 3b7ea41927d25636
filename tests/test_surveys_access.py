"""Who sees what: leaders their subtree, admins all, staff and organizers no results; nobody can
list non-respondents; reminders reach exactly them."""

import re

import pytest
from sqlalchemy import select

from blueprints.notifications.models import Notification
from blueprints.surveys.models import SurveyParticipation
from extensions import db
from tests import factories_surveys as fs


@pytest.fixture
def results_wave(org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3)
    fs.responses(w, org.kel_a, fs.uniform(t, 4, 3))
    fs.responses(w, org.kel_b, fs.uniform(t, 3, 3))
    fs.responses(w, org.sek, fs.uniform(t, 2, 3))
    return t, w


@pytest.mark.parametrize("who", ["staff_a1", "organizer"])
def test_staff_and_organizers_see_no_results(results_wave, org, client, login_as, who):
    _t, w = results_wave
    login_as(getattr(org, who))
    for url in (
        "/survei/hasil",
        f"/survei/hasil/{w.id}",
        f"/survei/hasil/{w.id}/ekspor.csv",
        f"/survei/hasil/{w.id}/ekspor.xlsx",
        "/survei/kelola",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/survei/hasil/{w.id}/rencana", data={"actions": "x"}).status_code == 403
    assert "Hasil Survei" not in client.get("/survei/").get_data(as_text=True)


def test_leader_sees_only_their_subtree(results_wave, org, client, login_as):
    _t, w = results_wave
    login_as(org.lurah_a)
    page = client.get(f"/survei/hasil/{w.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Kelurahan A" in body and "Kelurahan B" not in body and "Kecamatan Uji</h2>" not in body
    for unit in (org.kel_b, org.kec, org.sek):
        assert client.get(f"/survei/hasil/{w.id}?unit={unit.id}").status_code == 404
        assert client.get(f"/survei/hasil/{w.id}/ekspor.csv?unit={unit.id}").status_code == 404
    rows = fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?tabel=unit").data)
    assert [r[0] for r in rows[1:]] == ["Kelurahan A"]
    assert client.get("/survei/kelola").status_code == 403


def test_leader_does_not_see_waves_outside_their_subtree(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kel_b], k=3, title="Hanya B")
    login_as(org.lurah_a)
    assert "Hanya B" not in client.get("/survei/hasil").get_data(as_text=True)
    assert client.get(f"/survei/hasil/{w.id}").status_code == 404
    login_as(org.camat)  # the kecamatan contains B
    assert "Hanya B" in client.get("/survei/hasil").get_data(as_text=True)
    assert client.get(f"/survei/hasil/{w.id}").status_code == 200


def test_camat_and_admin_see_every_unit(results_wave, org, client, login_as):
    _t, w = results_wave
    for person in (org.camat, org.admin):
        login_as(person)
        rows = fs.parse_csv(client.get(f"/survei/hasil/{w.id}/ekspor.csv?tabel=unit").data)
        assert {r[0] for r in rows[1:]} == {
            "Kecamatan Uji",
            "Sekretariat",
            "Kelurahan A",
            "Kelurahan B",
        }
        assert client.get(f"/survei/hasil/{w.id}?unit={org.kel_b.id}").status_code == 200


def test_draft_waves_are_not_results(org, client, login_as):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], status="draft")
    login_as(org.admin)
    assert client.get(f"/survei/hasil/{w.id}").status_code == 404
    login_as(org.staff_a1)
    assert client.get(f"/survei/{w.id}").status_code == 404


def _survey_get_urls(app, wave_id, instrument_id, question_id, unit_id):
    values = {
        "wave_id": wave_id,
        "instrument_id": instrument_id,
        "question_id": question_id,
        "fmt": "csv",
        "plan_id": 1,
        "dimension_id": 1,
        "action_id": 1,
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("surveys.") or "GET" not in rule.methods:
            continue
        url = rule.rule
        for name, value in values.items():
            url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
        assert "<" not in url, url
        urls.append(url)
        urls.append(f"{url}?unit={unit_id}")
    return urls


def test_no_route_lists_non_respondents(app, results_wave, org, client, login_as):
    t, w = results_wave
    fs.participate(w, [org.staff_a1, org.staff_b1])
    respondents = {org.staff_a1.name, org.staff_b1.name}
    others = {org.staff_a2.name, org.staff_sek.name}  # invited, not answered
    urls = _survey_get_urls(app, w.id, t.inst.id, t.items["R1"][0].id, org.kel_a.id)
    assert len(urls) >= 20
    for person in (org.admin, org.camat, org.lurah_a):
        login_as(person)
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            for name in others | respondents:
                assert name not in body, (person.name, url, name)


def test_reminders_reach_exactly_the_non_respondents_and_show_only_a_count(
    results_wave, org, client, login_as
):
    _t, w = results_wave
    fs.participate(w, [org.staff_a1, org.staff_b1, org.lurah_a])
    invited = {
        e.id
        for e in (
            org.camat,
            org.sekcam,
            org.lurah_a,
            org.lurah_b,
            org.admin,
            org.organizer,
            org.staff_sek,
            org.staff_a1,
            org.staff_a2,
            org.staff_b1,
        )
    }
    answered = set(db.session.scalars(select(SurveyParticipation.employee_id)))
    login_as(org.admin)
    response = client.post(f"/survei/kelola/gelombang/{w.id}/ingatkan", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert re.search(r"Pengingat dikirim kepada 7 pegawai", body)
    reminded = set(
        db.session.scalars(
            select(Notification.recipient_id).where(Notification.kind == "surveys.reminder")
        )
    )
    assert reminded == invited - answered
    for person in (org.staff_a2, org.staff_sek, org.camat):
        assert person.name not in body or person.name == org.admin.name
    # Leaders cannot send reminders (and so cannot learn counts per small unit from them).
    login_as(org.camat)
    assert client.post(f"/survei/kelola/gelombang/{w.id}/ingatkan").status_code == 403


def test_submitting_needs_the_csrf_token(csrf_app, org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec])
    client = csrf_app.test_client()
    client.post("/masuk", data={"identifier": org.staff_a1.email, "password": "rahasia-uji-123"})
    response = client.post(f"/survei/{w.id}/kirim", data={f"q_{t.items['R1'][0].id}": "4"})
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(SurveyParticipation.employee_id)) is None
