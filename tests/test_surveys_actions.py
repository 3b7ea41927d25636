"""Survey actions: a leader of the unit (or an admin) adds and edits them, owners come from the
leader's subtree, owners see theirs on the home page, and the leader dashboard lists the ones
due and overdue."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.common.timefmt import to_wib, today_wib, utcnow
from blueprints.surveys.models import SurveyAction
from blueprints.workshops import checkin
from blueprints.workshops.ledger import jp_for_year
from blueprints.workshops.models import Registration, WorkshopSession
from extensions import db
from tests import factories_surveys as fs
from tests import factories_workshops as wf
from tests.factories_dashboard import section


@pytest.fixture
def org(org):
    wf.fast_logins()
    return org


@pytest.fixture
def wave(org):
    t = fs.instrument()
    w = fs.wave(t.inst, [org.kec], k=3, title="Kesiapan Layanan Digital")
    fs.responses(w, org.kel_a, fs.uniform(t, 2, 3))
    return t, w


def _data(t, person, **changes):
    data = {
        "what": "Sosialisasi manfaat layanan daring",
        "dimension_id": str(t.dims["R1"].id),
        "owner": person.email,
        "due_on": (today_wib() + timedelta(days=10)).isoformat(),
        "status": "rencana",
        "session_id": "0",
        "notes": "",
    }
    data.update(changes)
    return data


def _actions() -> list[SurveyAction]:
    db.session.expire_all()
    return list(db.session.scalars(select(SurveyAction).order_by(SurveyAction.id)))


def test_the_leader_adds_an_action_for_someone_in_their_subtree(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}")
    assert "Tambah aksi" in page.text
    saved = client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.staff_a1)
    )
    assert saved.status_code == 303
    assert saved.location.endswith("#aksi")
    [action] = _actions()
    assert (action.unit_id, action.owner_id, action.dimension_id, action.author_id) == (
        org.kel_a.id,
        org.staff_a1.id,
        t.dims["R1"].id,
        org.lurah_a.id,
    )
    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}")
    assert "Sosialisasi manfaat layanan daring" in page.text and "Staf A1" in page.text

    # The leader themself may own one too.
    client.post(f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.lurah_a))
    assert [a.owner_id for a in _actions()] == [org.staff_a1.id, org.lurah_a.id]


def test_owners_outside_the_leaders_subtree_are_refused(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    for outsider in (org.staff_b1, org.lurah_b, org.camat, org.staff_sek):
        refused = client.post(
            f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, outsider)
        )
        assert refused.status_code == 422, outsider.name
        assert "Penanggung jawab harus Anda sendiri" in refused.text
    nobody = client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
        data=_data(t, org.staff_a1, owner="tidak.ada@uji.local"),
    )
    assert nobody.status_code == 422
    other = fs.instrument(name="Instrumen lain")
    wrong_dim = client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
        data=_data(t, org.staff_a1, dimension_id=str(other.dims["R1"].id)),
    )
    assert wrong_dim.status_code == 422
    assert _actions() == []


def test_only_a_leader_of_the_unit_or_an_admin_edits_actions(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    client.post(f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.staff_a1))
    [action] = _actions()
    for person in (org.lurah_b, org.staff_a1, org.sekcam, org.organizer):
        login_as(person)
        assert client.get(f"/survei/aksi/{action.id}/ubah").status_code in (403, 404)
        post = client.post(
            f"/survei/aksi/{action.id}/ubah", data=_data(t, org.staff_a1, what="Diubah")
        )
        assert post.status_code in (403, 404), person.name
        add = client.post(
            f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.staff_a1)
        )
        assert add.status_code in (403, 404), person.name
    assert [a.what for a in _actions()] == ["Sosialisasi manfaat layanan daring"]

    login_as(org.camat)  # a leader above the unit
    edited = client.post(
        f"/survei/aksi/{action.id}/ubah",
        data=_data(t, org.staff_a2, status="berjalan", notes="Jadwal disepakati"),
    )
    assert edited.status_code == 303
    login_as(org.admin)  # an admin, naming someone of the unit
    assert client.get(f"/survei/aksi/{action.id}/ubah").status_code == 200
    edited = client.post(f"/survei/aksi/{action.id}/ubah", data=_data(t, org.staff_a1))
    assert edited.status_code == 303
    refused = client.post(f"/survei/aksi/{action.id}/ubah", data=_data(t, org.staff_b1))
    assert refused.status_code == 422
    [action] = _actions()
    assert action.owner_id == org.staff_a1.id


def test_owners_see_their_actions_on_their_home_page(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    late = (today_wib() - timedelta(days=2)).isoformat()
    client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
        data=_data(t, org.staff_a1, what="Pendampingan loket", due_on=late),
    )
    client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
        data=_data(t, org.staff_a1, what="Sudah beres", status="selesai"),
    )
    client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
        data=_data(t, org.staff_a2, what="Milik orang lain"),
    )
    login_as(org.staff_a1)
    home = client.get("/").text
    mine = section(home, "needs-actions")
    assert mine is not None
    assert "Pendampingan loket" in mine and "Terlambat sejak" in mine
    assert "Sudah beres" not in mine and "Milik orang lain" not in mine
    login_as(org.staff_b1)
    assert section(client.get("/").text, "needs-actions") is None


def test_the_leader_dashboard_shows_actions_due_and_overdue(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    today = today_wib()
    for what, days, status in (
        ("Terlambat dua hari", -2, "berjalan"),
        ("Minggu depan", 7, "rencana"),
        ("Masih lama", 40, "rencana"),
        ("Selesai lebih awal", -5, "selesai"),
    ):
        client.post(
            f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
            data=_data(
                t,
                org.staff_a1,
                what=what,
                status=status,
                due_on=(today + timedelta(days=days)).isoformat(),
            ),
        )
    page = client.get("/dasbor/pimpinan").text
    due = section(page, "actions-due")
    assert due is not None
    assert "Terlambat dua hari" in due and "Minggu depan" in due
    assert "Masih lama" not in due and "Selesai lebih awal" not in due
    assert due.count("status-bad") == 1
    login_as(org.lurah_b)  # another leader's subtree shows none of them
    other = section(client.get("/dasbor/pimpinan").text, "actions-due")
    assert "Terlambat dua hari" not in other


def test_an_action_links_a_session_or_schedules_a_sosialisasi(client, org, login_as, wave):
    t, w = wave
    s = wf.session(wf.workshop(org.organizer, "Komunikasi Perubahan"))
    login_as(org.lurah_a)
    client.post(
        f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}",
        data=_data(t, org.staff_a1, session_id=str(s.id)),
    )
    [action] = _actions()
    assert action.session_id == s.id
    page = client.get(f"/survei/hasil/{w.id}?unit={org.kel_a.id}")
    assert f'href="/pelatihan/sesi/{s.id}"' in page.text

    day = today_wib() + timedelta(days=5)
    scheduled = client.post(
        f"/survei/aksi/{action.id}/sosialisasi",
        data={
            "day": day.isoformat(),
            "start_time": "09:00",
            "end_time": "10:30",
            "venue": "Aula Kelurahan",
            "capacity": "25",
            "jp": "0",
        },
    )
    assert scheduled.status_code == 303
    [action] = _actions()
    briefing = db.session.get(WorkshopSession, action.session_id)
    assert briefing.id != s.id
    assert briefing.workshop.learning_kind == "sosialisasi"
    assert (briefing.status, briefing.jp_credited, briefing.capacity) == ("published", 0, 25)
    assert [p.id for p in briefing.workshop.organizers] == [org.lurah_a.id]


def _briefing(client, action, day, **changes):
    data = {
        "day": day.isoformat(),
        "start_time": "09:00",
        "end_time": "10:30",
        "venue": "Aula Kelurahan",
        "capacity": "25",
        "jp": "2",
    }
    data.update(changes)
    return client.post(f"/survei/aksi/{action.id}/sosialisasi", data=data)


def test_the_leader_takes_attendance_at_the_sosialisasi_they_scheduled(client, org, login_as, wave):
    """The leader holds no organizer role, yet is the briefing's only organizer: they open its
    participant list and QR screen, add people and record attendance; JP follows."""
    t, w = wave
    login_as(org.lurah_a)
    client.post(f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.staff_a1))
    [action] = _actions()
    scheduled = _briefing(client, action, today_wib() + timedelta(days=5))
    assert scheduled.status_code == 303
    [action] = _actions()
    s = db.session.get(WorkshopSession, action.session_id)
    assert "organizer" not in org.lurah_a.stored_roles
    show = client.get(scheduled.location).text
    assert f'href="/pelatihan/kelola/sesi/{s.id}/peserta"' in show

    page = client.get(f"/pelatihan/kelola/sesi/{s.id}/peserta")
    assert page.status_code == 200
    # The way back is the session page: the programme pages stay with organizers.
    assert f'<p class="breadcrumb"><a href="/pelatihan/sesi/{s.id}">' in page.text
    assert client.get(f"/pelatihan/kelola/program/{s.workshop_id}").status_code == 403
    added = client.post(
        f"/pelatihan/kelola/sesi/{s.id}/peserta/tambah",
        data={"people": f"{org.staff_a1.nip}\n{org.staff_a2.nip}"},
    )
    assert added.status_code == 303
    regs = {
        r.employee_id: r
        for r in db.session.scalars(select(Registration).where(Registration.session_id == s.id))
    }
    assert {r.status for r in regs.values()} == {"confirmed"} and len(regs) == 2

    # The day comes: the briefing is under way.
    s.starts_at = (utcnow() - timedelta(minutes=30)).replace(microsecond=0)
    s.ends_at = s.starts_at + timedelta(minutes=90)
    db.session.commit()
    year = to_wib(s.starts_at).year
    marked = client.post(
        f"/pelatihan/kelola/pendaftaran/{regs[org.staff_a1.id].id}/kehadiran", data={"hadir": "1"}
    )
    assert marked.status_code == 303
    screen = client.get(f"/pelatihan/kelola/sesi/{s.id}/presensi")
    assert screen.status_code == 200 and "<svg" in screen.text
    walk_in = client.post(
        f"/pelatihan/kelola/sesi/{s.id}/peserta/walk-in", data={"person": org.staff_b1.nip}
    )
    assert walk_in.status_code == 303
    assert client.get(f"/pelatihan/kelola/sesi/{s.id}/daftar-hadir.pdf").status_code == 200

    login_as(org.staff_a2)  # the other participant checks in with the QR code
    token = checkin.make_token(s.id, checkin.step_of())
    assert client.post(f"/pelatihan/hadir/{s.id}/{token}").status_code == 303

    db.session.expire_all()
    assert jp_for_year(org.staff_a1, year) == 2
    assert jp_for_year(org.staff_a2, year) == 2
    assert jp_for_year(org.staff_b1, year) == 2
    assert jp_for_year(org.staff_sek, year) == 0


def test_a_briefing_without_jp_records_attendance_and_no_jp(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    client.post(f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.staff_a1))
    [action] = _actions()
    assert _briefing(client, action, today_wib() + timedelta(days=5), jp="0").status_code == 303
    s = db.session.get(WorkshopSession, _actions()[0].session_id)
    reg = wf.registration(s, org.staff_a1)
    s.starts_at = (utcnow() - timedelta(minutes=30)).replace(microsecond=0)
    s.ends_at = s.starts_at + timedelta(minutes=90)
    db.session.commit()
    marked = client.post(f"/pelatihan/kelola/pendaftaran/{reg.id}/kehadiran", data={"hadir": "1"})
    assert marked.status_code == 303
    db.session.expire_all()
    assert db.session.get(Registration, reg.id).attended is True
    assert jp_for_year(org.staff_a1, to_wib(s.starts_at).year) == 0


def test_only_the_briefings_own_leader_manages_it(client, org, login_as, wave):
    t, w = wave
    login_as(org.lurah_a)
    client.post(f"/survei/hasil/{w.id}/aksi?unit={org.kel_a.id}", data=_data(t, org.staff_a1))
    [action] = _actions()
    _briefing(client, action, today_wib() + timedelta(days=5))
    s = db.session.get(WorkshopSession, _actions()[0].session_id)
    reg = wf.registration(s, org.staff_a1)
    for person in (org.lurah_b, org.camat, org.organizer, org.admin, org.staff_a1):
        login_as(person)
        assert client.get(f"/pelatihan/kelola/sesi/{s.id}/peserta").status_code == 403
        assert client.get(f"/pelatihan/kelola/sesi/{s.id}/presensi").status_code == 403
        refused = client.post(
            f"/pelatihan/kelola/pendaftaran/{reg.id}/kehadiran", data={"hadir": "1"}
        )
        assert refused.status_code == 403, person.name
        assert 'href="/pelatihan/kelola/sesi/' not in client.get(f"/pelatihan/sesi/{s.id}").text
