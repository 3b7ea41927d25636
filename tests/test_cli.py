"""CLI: seed-demo (the demo contract of product.md §5), create-admin, backup."""

import sqlite3

import pytest
from sqlalchemy import func, select

from blueprints.auth import nip as nip_rules
from blueprints.auth.access import has_role, roles_of, subtree_unit_ids
from blueprints.auth.models import Employee, Unit
from extensions import db

KELURAHAN = {"Labuhan Deli", "Paya Pasir", "Rengas Pulau", "Tanah Enam Ratus", "Terjun"}


def test_seed_demo_builds_the_demo_contract(app, demo, client):
    people = list(db.session.scalars(select(Employee)))
    assert len(people) >= 60
    for person in people:
        nip_rules.parse(person.nip, person.employment_type)  # raises on an invalid NIP
    assert {p.employment_type for p in people} == {"PNS", "PPPK"}
    names = set(db.session.scalars(select(Unit.name)))
    assert {f"Kelurahan {k}" for k in KELURAHAN} <= names
    assert any("Puskesmas" in n for n in names)
    # Two roots: the kecamatan, headed by the camat, and the Puskesmas, a UPT of the city's
    # health office (domain.md §4), which is outside the camat's subtree and scope.
    roots = {u.kind: u for u in db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)))}
    assert set(roots) == {"kecamatan", "puskesmas"}
    assert roots["kecamatan"].head_id == demo.camat.id
    camat_scope = subtree_unit_ids(demo.camat)
    assert roots["puskesmas"].id not in camat_scope and roots["kecamatan"].id in camat_scope
    assert roles_of(demo.admin) == ["staff", "admin"]
    assert roles_of(demo.penyelenggara) == ["staff", "organizer"]
    assert roles_of(demo.camat) == ["staff", "leader"]
    assert roles_of(demo.lurah_terjun) == ["staff", "leader"]
    assert roles_of(demo.pegawai) == ["staff"]
    assert demo.pegawai.unit.name == "Kelurahan Terjun"
    for person in vars(demo).values():
        response = client.post(
            "/masuk", data={"identifier": person.email, "password": "demo-marelan"}
        )
        assert response.status_code == 303, person.email
        client.post("/keluar")
    # ... and with the NIP instead of the e-mail.
    assert (
        client.post(
            "/masuk", data={"identifier": demo.pegawai.nip, "password": "demo-marelan"}
        ).status_code
        == 303
    )


def test_seed_demo_refuses_a_non_empty_database_and_if_empty_skips(app, demo, runner):
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "skipped" in skipped.output


def test_seed_demo_password_option(app, runner, client):
    result = runner.invoke(args=["seed-demo", "--password", "lain-sandi-123"])
    assert result.exit_code == 0, result.output
    ok = client.post(
        "/masuk", data={"identifier": "pegawai@demo.local", "password": "lain-sandi-123"}
    )
    assert ok.status_code == 303


def test_create_admin(app, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--nip",
            "19800101 200501 1 001",
            "--name",
            "Admin Baru",
            "--email",
            "Admin@Marelan.go.id",
        ],
        input="sandi-admin-123\nsandi-admin-123\n",
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(Employee).where(Employee.nip == "198001012005011001")).one()
    assert has_role(admin, "admin") and admin.email == "admin@marelan.go.id"
    assert admin.check_password("sandi-admin-123")


def test_create_admin_rejects_invalid_nip(app, runner):
    result = runner.invoke(
        args=["create-admin", "--nip", "19801301200501 1 001", "--name", "X", "--email", "x@y.z"],
        input="sandi-admin-123\nsandi-admin-123\n",
    )
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(Employee.id))) == 0


def test_backup_sqlite_online_copy(app, demo, runner, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = runner.invoke(args=["backup", str(tmp_path / "x.dump")])
        assert result.exit_code == 0 and "pg_dump" in result.output
        return
    dest = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(dest)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(dest) as copy:
        count = copy.execute("SELECT count(*) FROM employee").fetchone()[0]
    assert count == db.session.scalar(select(func.count(Employee.id)))


EVERYONE = {
    "dashboard.home",
    "dashboard.career",
    "workshops.index",
    "workshops.ledger",
    "feedback.index",
    "surveys.index",
    "competencies.mine",
}
LEADER = {
    "dashboard.leader",
    "feedback.team",
    "workshops.approvals",
    "surveys.results_index",
    "competencies.akpk_index",
}
ORGANIZER = {"dashboard.organizer", "workshops.manage", "competencies.akpk_index"}
ADMIN = {
    "admin.index",
    "feedback.admin_counts",
    "workshops.topics",
    "surveys.results_index",
    "competencies.standards_index",
}


@pytest.mark.parametrize(
    "key, expected",
    [
        ("pegawai", EVERYONE),
        ("penyelenggara", EVERYONE | ORGANIZER),
        ("camat", EVERYONE | LEADER),
        ("lurah_terjun", EVERYONE | LEADER),
        ("admin", EVERYONE | ADMIN),
    ],
)
def test_demo_accounts_see_the_navigation_of_their_roles(app, demo, client, key, expected):
    from flask import url_for

    from blueprints.common.nav import _ITEMS

    person = getattr(demo, key)
    client.post("/masuk", data={"identifier": person.email, "password": "demo-marelan"})
    html = client.get("/").get_data(as_text=True)
    nav = html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    with app.test_request_context():
        urls = {item.endpoint: url_for(item.endpoint) for item in _ITEMS}
    shown = {endpoint for endpoint, url in urls.items() if f'href="{url}"' in nav}
    assert shown == expected
    for endpoint in shown:
        assert client.get(urls[endpoint]).status_code == 200, endpoint
    if "admin.index" not in expected:
        assert client.get("/admin/").status_code == 403
