"""Employees: live search, filters, pagination, create, edit, deactivate, roles, password reset."""

import re

from sqlalchemy import select

from blueprints.admin.models import AuditEntry
from blueprints.auth.models import Employee
from extensions import db
from tests import factories
from tests.conftest import HX, PASSWORD, YES
from tests.factories_admin import import_nip, many_employees, request_queries, sign_in


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/admin/pegawai/\d+">([^<]+)</a>', html)


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _reload(person: Employee) -> Employee:
    db.session.expire_all()
    return db.session.get(Employee, person.id)


# --- the list ------------------------------------------------------------------------------
def test_list_page_has_a_real_get_form_enhanced_by_htmx(client, org):
    sign_in(client, org.admin)
    html = client.get("/admin/pegawai").get_data(as_text=True)
    form = html.split('role="search"')[1].split(">")[0]
    assert 'method="get"' in form and 'action="/admin/pegawai"' in form
    assert 'hx-get="/admin/pegawai"' in form
    assert 'hx-trigger="input changed delay:300ms, search, submit"' in form
    assert 'hx-target="#employee-results"' in form and 'hx-push-url="true"' in form
    assert 'id="employee-results"' in html


def test_search_by_name_nip_and_email(client, org):
    sign_in(client, org.admin)
    assert _names(client.get("/admin/pegawai?q=staf+a").get_data(as_text=True)) == [
        "Staf A1",
        "Staf A2",
    ]
    by_nip = client.get(f"/admin/pegawai?q={org.staff_b1.nip[:8]}+{org.staff_b1.nip[8:14]}")
    assert "Staf B1" in _names(by_nip.get_data(as_text=True))
    by_email = client.get("/admin/pegawai?q=lurah.b@").get_data(as_text=True)
    assert _names(by_email) == ["Lurah B"]
    # LIKE wildcards are taken literally.
    assert _names(client.get("/admin/pegawai?q=%25").get_data(as_text=True)) == []


def test_htmx_gets_only_the_results_fragment(client, org):
    sign_in(client, org.admin)
    fragment = client.get("/admin/pegawai?q=lurah", headers=HX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in body and 'role="search"' not in body
    assert _names(body) == ["Lurah A", "Lurah B"]
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get("/admin/pegawai?q=lurah").get_data(as_text=True)
    assert "<html" in full and _names(full) == ["Lurah A", "Lurah B"]


def test_filter_by_unit_with_and_without_subtree(client, org):
    lingkungan = factories.unit("KEL-A-L1", "Lingkungan I", org.kel_a)
    factories.employee(lingkungan, "Kepling Satu")
    sign_in(client, org.admin)
    subtree = _names(client.get(f"/admin/pegawai?unit={org.kel_a.id}").get_data(as_text=True))
    assert subtree == ["Kepling Satu", "Lurah A", "Staf A1", "Staf A2"]
    only = _names(
        client.get(f"/admin/pegawai?unit={org.kel_a.id}&scope=unit").get_data(as_text=True)
    )
    assert only == ["Lurah A", "Staf A1", "Staf A2"]


ROLE_FILTERS = {
    "admin": ["Admin Uji"],
    "organizer": ["Penyelenggara Uji"],
    "leader": ["Camat Uji", "Lurah A", "Lurah B", "Sekcam Uji"],
    "staff": ["Staf A1", "Staf A2", "Staf B1", "Staf Sekretariat"],
}


def test_filter_by_role(client, org):
    sign_in(client, org.admin)
    for role, expected in ROLE_FILTERS.items():
        html = client.get(f"/admin/pegawai?role={role}").get_data(as_text=True)
        assert _names(html) == expected, role


def test_status_filter_and_roles_shown(client, org):
    org.staff_b1.active = False
    db.session.commit()
    sign_in(client, org.admin)
    assert "Staf B1" not in _names(client.get("/admin/pegawai").get_data(as_text=True))
    assert _names(client.get("/admin/pegawai?status=inactive").get_data(as_text=True)) == [
        "Staf B1"
    ]
    html = client.get("/admin/pegawai?q=lurah+a").get_data(as_text=True)
    assert "Pimpinan" in html


def test_pagination_works_as_plain_links(client, org):
    many_employees(org.kel_b, 30)
    sign_in(client, org.admin)
    first = client.get("/admin/pegawai?q=massal").get_data(as_text=True)
    assert len(_names(first)) == 25
    assert "30 pegawai ditemukan" in first
    assert 'href="/admin/pegawai?q=massal&amp;page=2"' in first
    second = client.get("/admin/pegawai?q=massal&page=2").get_data(as_text=True)
    assert _names(second) == [f"Pegawai Massal {n:04d}" for n in range(25, 30)]
    assert 'rel="prev"' in second


def test_list_runs_the_same_number_of_queries_for_20_and_300_employees(client, org, queries):
    sign_in(client, org.admin)
    many_employees(org.kel_b, 20)
    small = request_queries(queries, client, "/admin/pegawai")
    small_search = request_queries(queries, client, "/admin/pegawai?q=massal&role=staff")
    many_employees(org.kel_a, 280, start=20)
    assert request_queries(queries, client, "/admin/pegawai") == small
    assert request_queries(queries, client, "/admin/pegawai?q=massal&role=staff") == small_search
    assert request_queries(queries, client, "/admin/pegawai?page=5") == small


# --- create and edit -----------------------------------------------------------------------
def _form(org, **overrides) -> dict:
    data = {
        "nip": "19850505 201001 2 003",
        "name": "Nurhayati Lubis",
        "email": "Nurhayati@Marelan.go.id",
        "employment_type": "PNS",
        "golongan": "III/a",
        "jenis_jabatan": "pelaksana",
        "jabatan": "Pengelola Layanan Kependudukan",
        "unit_id": org.kel_a.id,
        "superior_nip": "",
    }
    data.update(overrides)
    return data


def test_create_employee_without_password_and_audited(client, org):
    sign_in(client, org.admin)
    response = client.post("/admin/pegawai/baru", data=_form(org))
    assert response.status_code == 303
    person = db.session.scalars(select(Employee).where(Employee.nip == "198505052010012003")).one()
    assert person.email == "nurhayati@marelan.go.id"
    assert person.password_hash is None and person.active
    assert person.unit_id == org.kel_a.id and person.golongan == "III/a"
    assert "employee.created" in _audit_actions()


INVALID_EMPLOYEES = [
    ({"nip": "1985050520100120"}, "NIP harus terdiri dari 18 angka."),
    ({"nip": "198502302010012003"}, "Tanggal lahir dalam NIP tidak valid."),
    ({"nip": "198505052001012003"}, "TMT CPNS dalam NIP harus setelah berusia 18 tahun."),
    ({"nip": "198505052010013003"}, "Digit jenis kelamin dalam NIP harus 1 atau 2."),
    ({"nip": "198505052010012000"}, "Nomor urut dalam NIP tidak boleh 000."),
    ({"golongan": "VII"}, "Golongan ini tidak berlaku untuk PNS."),
    (
        {"employment_type": "PPPK", "golongan": "III/a"},
        "Golongan ini tidak berlaku untuk PPPK.",
    ),
    ({"email": "bukan-email"}, "Alamat email tidak valid."),
    ({"email": "CAMAT@uji.local"}, "Email ini sudah dipakai pegawai lain."),
    ({"superior_nip": "199901012020011001"}, "Tidak ada pegawai aktif dengan NIP ini."),
    ({"unit_id": "99999"}, "Pilih unit dari daftar."),
]


def test_create_employee_shows_the_reason(client, org):
    sign_in(client, org.admin)
    for overrides, message in INVALID_EMPLOYEES:
        response = client.post("/admin/pegawai/baru", data=_form(org, **overrides))
        assert response.status_code == 422, overrides
        html = response.get_data(as_text=True)
        assert message in html, overrides
        assert 'value="Nurhayati Lubis"' in html  # what the user typed is kept
    assert db.session.scalar(select(Employee).where(Employee.name == "Nurhayati Lubis")) is None


def test_create_rejects_a_registered_nip(client, org):
    sign_in(client, org.admin)
    response = client.post("/admin/pegawai/baru", data=_form(org, nip=org.staff_a1.nip))
    assert response.status_code == 422
    assert "NIP ini sudah terdaftar" in response.get_data(as_text=True)


def test_pppk_employee_with_pppk_golongan(client, org):
    sign_in(client, org.admin)
    nip = import_nip(7, "PPPK")
    response = client.post(
        "/admin/pegawai/baru", data=_form(org, nip=nip, employment_type="PPPK", golongan="IX")
    )
    assert response.status_code == 303
    person = db.session.scalars(select(Employee).where(Employee.nip == nip)).one()
    assert (person.employment_type, person.golongan) == ("PPPK", "IX")


def test_edit_employee_with_explicit_superior_is_audited(client, org):
    sign_in(client, org.admin)
    page = client.get(f"/admin/pegawai/{org.staff_a1.id}").get_data(as_text=True)
    assert "mengikuti struktur unit" in page and "Lurah A" in page
    data = _form(
        org,
        nip=org.staff_a1.nip,
        name="Staf A1 Baru",
        email=org.staff_a1.email,
        unit_id=org.kel_b.id,
        superior_nip=org.camat.nip,
    )
    assert client.post(f"/admin/pegawai/{org.staff_a1.id}", data=data).status_code == 303
    person = _reload(org.staff_a1)
    assert (person.name, person.unit_id, person.superior_id) == (
        "Staf A1 Baru",
        org.kel_b.id,
        org.camat.id,
    )
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "employee.updated"))
    assert "name: Staf A1 -> Staf A1 Baru" in entry.detail
    assert "ditetapkan" in client.get(f"/admin/pegawai/{org.staff_a1.id}").get_data(as_text=True)


def test_edit_refuses_self_as_superior_and_someone_elses_email(client, org):
    sign_in(client, org.admin)
    base = _form(org, nip=org.staff_a1.nip, name="Staf A1", email=org.staff_a1.email)
    own = client.post(
        f"/admin/pegawai/{org.staff_a1.id}", data={**base, "superior_nip": org.staff_a1.nip}
    )
    assert own.status_code == 422
    assert "atasan dirinya sendiri" in own.get_data(as_text=True)
    taken = client.post(
        f"/admin/pegawai/{org.staff_a1.id}", data={**base, "email": org.staff_b1.email}
    )
    assert taken.status_code == 422
    assert _reload(org.staff_a1).email == "staf.a1@uji.local"


# --- deactivate, roles, password reset -----------------------------------------------------
def test_deactivate_and_reactivate_never_delete(client, org):
    sign_in(client, org.admin)
    version = org.staff_a1.session_version
    assert client.post(f"/admin/pegawai/{org.staff_a1.id}/nonaktifkan", data=YES).status_code == 303
    person = _reload(org.staff_a1)
    assert not person.active and person.session_version == version + 1
    client.post("/keluar")
    assert (
        client.post("/masuk", data={"identifier": person.email, "password": PASSWORD}).status_code
        == 422
    )
    sign_in(client, org.admin)
    assert client.post(f"/admin/pegawai/{org.staff_a1.id}/aktifkan").status_code == 303
    assert _reload(org.staff_a1).active
    assert _audit_actions()[-2:] == ["employee.deactivated", "employee.reactivated"]


def test_admin_cannot_lock_themselves_out(client, org):
    sign_in(client, org.admin)
    response = client.post(f"/admin/pegawai/{org.admin.id}/nonaktifkan", follow_redirects=True)
    assert "tidak dapat menonaktifkan akun Anda sendiri" in response.get_data(as_text=True)
    response = client.post(f"/admin/pegawai/{org.admin.id}/peran", data={"roles-organizer": "y"})
    assert response.status_code == 422
    assert "tidak dapat mencabut peran admin Anda sendiri" in response.get_data(as_text=True)
    admin = _reload(org.admin)
    assert admin.active and admin.stored_roles == {"admin"}
    # Still an admin: the pages still open.
    assert client.get("/admin/").status_code == 200


def test_a_head_is_not_deactivated_before_a_new_head_is_set(client, org):
    sign_in(client, org.admin)
    response = client.post(
        f"/admin/pegawai/{org.lurah_a.id}/nonaktifkan", data=YES, follow_redirects=True
    )
    assert "Kelurahan A" in response.get_data(as_text=True)
    assert _reload(org.lurah_a).active


def test_roles_are_set_with_checkboxes_and_audited(client, org):
    sign_in(client, org.admin)
    client.post(
        f"/admin/pegawai/{org.staff_a1.id}/peran", data={"roles-organizer": "y", "roles-admin": "y"}
    )
    assert _reload(org.staff_a1).stored_roles == {"admin", "organizer"}
    client.post(f"/admin/pegawai/{org.staff_a1.id}/peran", data={"roles-organizer": "y"})
    assert _reload(org.staff_a1).stored_roles == {"organizer"}
    details = list(
        db.session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "employee.roles_changed")
        )
    )
    assert details == ["- -> admin,organizer", "admin,organizer -> organizer"]
    # Another admin may remove an admin role (only one's own is protected).
    client.post(f"/admin/pegawai/{org.staff_a1.id}/peran", data={})
    assert _reload(org.staff_a1).stored_roles == set()


def test_password_reset_shows_a_temporary_password_once_and_forces_a_change(app, org, login_as):
    victim = app.test_client()
    login_as_victim = type(login_as)(victim)
    login_as_victim(org.staff_a1)
    assert victim.get("/").status_code == 200
    admin = app.test_client()
    sign_in(admin, org.admin)
    response = admin.post(f"/admin/pegawai/{org.staff_a1.id}/reset-sandi", data=YES)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    temporary = re.search(r'<p class="temp-password-value"><code>([a-z0-9-]+)</code>', html).group(
        1
    )
    assert len(temporary) >= 12
    person = _reload(org.staff_a1)
    assert person.must_change_password and person.check_password(temporary)
    # The owner's running sessions ended.
    assert victim.get("/").status_code == 302
    # The password is not shown again.
    assert temporary not in admin.get(f"/admin/pegawai/{org.staff_a1.id}").get_data(as_text=True)
    # At next login the owner must change it.
    login = victim.post("/masuk", data={"identifier": person.email, "password": temporary})
    assert login.headers["Location"] == "/akun/kata-sandi"
    assert victim.get("/").headers["Location"] == "/akun/kata-sandi"
    assert "employee.password_reset" in _audit_actions()
    assert all(temporary not in (d or "") for d in db.session.scalars(select(AuditEntry.detail)))


def test_admin_cannot_reset_own_password_here(client, org):
    sign_in(client, org.admin)
    response = client.post(f"/admin/pegawai/{org.admin.id}/reset-sandi", follow_redirects=True)
    assert "Ganti kata sandi" in response.get_data(as_text=True)
    assert not _reload(org.admin).must_change_password


def test_unknown_employee_is_404(client, org):
    sign_in(client, org.admin)
    assert client.get("/admin/pegawai/99999").status_code == 404
    assert client.post("/admin/pegawai/99999/nonaktifkan").status_code == 404


def test_edit_form_shows_the_stored_golongan_in_its_group(client, org):
    org.staff_a2.golongan = "IX"
    org.staff_a1.golongan = "III/b"
    db.session.commit()
    sign_in(client, org.admin)
    pppk = client.get(f"/admin/pegawai/{org.staff_a2.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="IX">IX</option>', pppk)
    assert '<optgroup label="PPPK">' in pppk and '<optgroup label="PNS">' in pppk
    pns = client.get(f"/admin/pegawai/{org.staff_a1.id}").get_data(as_text=True)
    assert re.search(r'<option selected value="III/b">III/b – Penata Muda Tingkat I</option>', pns)
