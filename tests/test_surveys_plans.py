"""Action plans: a leader records one per wave for a unit and revisits it in the next wave."""

from sqlalchemy import select

from blueprints.surveys.models import SurveyActionPlan
from extensions import db
from tests import factories_surveys as fs
from tests.conftest import HX


def _waves(org):
    t = fs.instrument()
    first = fs.wave(t.inst, [org.kec], k=3, opened_days_ago=90, closes_in=-60, title="Pertama")
    fs.responses(first, org.kel_a, fs.uniform(t, 3, 3))
    fs.close(first)
    second = fs.wave(t.inst, [org.kec], k=3, title="Kedua")
    fs.responses(second, org.kel_a, fs.uniform(t, 4, 3))
    return t, first, second


def test_leader_records_a_plan_and_revisits_it_in_the_next_wave(org, client, login_as):
    _t, first, second = _waves(org)
    login_as(org.lurah_a)
    saved = client.post(
        f"/survei/hasil/{first.id}/rencana?unit={org.kel_a.id}",
        data={
            "focus": "Dukungan pimpinan",
            "actions": "Rapat evaluasi tiap bulan",
            "status": "rencana",
        },
    )
    assert saved.status_code == 303 and saved.location.endswith("#rencana-aksi")
    plan = db.session.scalars(select(SurveyActionPlan)).one()
    assert plan.unit_id == org.kel_a.id and plan.author_id == org.lurah_a.id

    page = client.get(f"/survei/hasil/{second.id}").get_data(as_text=True)
    assert "Tinjau rencana dari gelombang sebelumnya: Pertama" in page
    assert "Rapat evaluasi tiap bulan" in page and "Simpan tinjauan" in page
    reviewed = client.post(
        f"/survei/hasil/{second.id}/tinjauan/{plan.id}",
        headers=HX,
        data={"review": "Sudah berjalan tiga kali", "status": "selesai"},
    )
    assert reviewed.status_code == 200
    body = reviewed.get_data(as_text=True)
    assert (
        'id="rencana-aksi"' in body and "<html" not in body and "Sudah berjalan tiga kali" in body
    )
    db.session.refresh(plan)
    assert plan.status == "selesai" and plan.review == "Sudah berjalan tiga kali"


def test_plan_needs_actions_and_is_rerendered_with_422(org, client, login_as):
    _t, first, _second = _waves(org)
    login_as(org.lurah_a)
    response = client.post(f"/survei/hasil/{first.id}/rencana", headers=HX, data={"focus": "x"})
    assert response.status_code == 422
    assert db.session.scalar(select(SurveyActionPlan.id)) is None


def test_admin_reads_plans_but_does_not_write_them(org, client, login_as):
    _t, first, _second = _waves(org)
    db.session.add(
        SurveyActionPlan(
            wave_id=first.id,
            unit_id=org.kel_a.id,
            author_id=org.lurah_a.id,
            actions="Pendampingan sebaya",
        )
    )
    db.session.commit()
    login_as(org.admin)
    page = client.get(f"/survei/hasil/{first.id}?unit={org.kel_a.id}").get_data(as_text=True)
    assert "Pendampingan sebaya" in page and "Simpan rencana aksi" not in page
    assert (
        client.post(
            f"/survei/hasil/{first.id}/rencana?unit={org.kel_a.id}", data={"actions": "x"}
        ).status_code
        == 403
    )


def test_leader_cannot_write_a_plan_outside_their_subtree(org, client, login_as):
    _t, first, _second = _waves(org)
    login_as(org.lurah_b)
    response = client.post(
        f"/survei/hasil/{first.id}/rencana?unit={org.kel_a.id}", data={"actions": "x"}
    )
    assert response.status_code == 404


def test_saving_a_plan_says_the_same_with_and_without_javascript(org, client, login_as):
    _t, first, _second = _waves(org)
    login_as(org.lurah_a)
    url = f"/survei/hasil/{first.id}/rencana?unit={org.kel_a.id}"
    data = {"focus": "Dukungan", "actions": "Rapat bulanan", "status": "rencana"}
    with_js = client.post(url, headers=HX, data=data).get_data(as_text=True)
    without_js = client.post(url, data=data, follow_redirects=True).get_data(as_text=True)
    assert "Rencana aksi disimpan." in with_js and "Rencana aksi disimpan." in without_js
    assert "Tersimpan." not in with_js
