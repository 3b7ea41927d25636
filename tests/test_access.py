"""The access rules in blueprints/auth/access.py: roles, scopes, direct superior."""

from sqlalchemy import select

from blueprints.auth import access
from blueprints.auth.models import Employee
from extensions import db
from tests import factories


def _ids(stmt) -> set[int]:
    return {e.id for e in db.session.scalars(stmt)}


def test_roles(org):
    assert access.roles_of(org.camat) == ["staff", "leader"]
    assert access.roles_of(org.admin) == ["staff", "admin"]
    assert access.roles_of(org.organizer) == ["staff", "organizer"]
    assert access.roles_of(org.staff_a1) == ["staff"]


def test_leader_scope_is_the_subtree_of_headed_units(org):
    assert access.subtree_unit_ids(org.camat) == {
        org.kec.id,
        org.sek.id,
        org.kel_a.id,
        org.kel_b.id,
    }
    assert access.subtree_unit_ids(org.lurah_a) == {org.kel_a.id}
    assert access.subtree_unit_ids(org.staff_a1) == set()


def test_is_above(org):
    assert access.is_above(org.camat, org.staff_a1)
    assert access.is_above(org.camat, org.lurah_a)
    assert access.is_above(org.lurah_a, org.staff_a1)
    assert not access.is_above(org.lurah_a, org.staff_b1)
    assert not access.is_above(org.lurah_a, org.lurah_a)
    assert not access.is_above(org.lurah_a, org.camat)
    assert not access.is_above(org.staff_a2, org.staff_a1)  # peers see nothing of each other


def test_can_view_employee(org):
    assert access.can_view_employee(org.staff_a1, org.staff_a1)
    assert access.can_view_employee(org.admin, org.staff_b1)
    assert access.can_view_employee(org.lurah_a, org.staff_a2)
    assert not access.can_view_employee(org.lurah_b, org.staff_a2)
    assert not access.can_view_employee(org.organizer, org.staff_a2)


def test_direct_superior_derived_from_the_tree(org):
    assert access.direct_superior_id(org.staff_a1) == org.lurah_a.id
    assert access.direct_superior_id(org.lurah_a) == org.camat.id  # a head reports upward
    assert access.direct_superior_id(org.sekcam) == org.camat.id
    assert access.direct_superior_id(org.admin) == org.sekcam.id
    assert access.direct_superior_id(org.camat) is None


def test_explicit_superior_wins_and_headless_units_report_to_the_nearest_head(org):
    org.staff_b1.superior_id = org.sekcam.id
    db.session.commit()
    assert access.direct_superior_id(org.staff_b1) == org.sekcam.id
    rw = factories.unit("RW-1", "Lingkungan 1", org.kel_a, kind="lingkungan")  # no head
    person = factories.employee(rw, "Kepling")
    assert access.direct_superior_id(person) == org.lurah_a.id


def test_direct_reports_match_direct_superior_for_everyone(org):
    rw = factories.unit("RW-1", "Lingkungan 1", org.kel_a, kind="lingkungan")
    factories.employee(rw, "Kepling")
    org.staff_b1.superior_id = org.sekcam.id
    db.session.commit()
    everyone = list(db.session.scalars(select(Employee)))
    for leader in everyone:
        expected = {e.id for e in everyone if access.direct_superior_id(e) == leader.id}
        assert _ids(access.direct_reports_stmt(leader)) == expected, leader.name


def test_employees_in_scope_excludes_the_leader_and_inactive(org):
    org.staff_a2.active = False
    db.session.commit()
    assert _ids(access.employees_in_scope_stmt(org.lurah_a)) == {org.staff_a1.id}


def test_inactive_unit_gives_no_scope(org):
    org.kel_a.active = False
    db.session.commit()
    assert access.subtree_unit_ids(org.lurah_a) == set()
    assert not access.has_role(org.lurah_a, "leader")


def test_role_required_gives_403_and_login_redirect(client, org, login_as):
    assert client.get("/admin/").status_code == 302
    login_as(org.staff_a1)
    assert client.get("/admin/").status_code == 403
    login_as(org.admin)
    assert client.get("/admin/").status_code == 200
