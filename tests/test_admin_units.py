"""The unit tree: list, create, rename, move (one UPDATE for the subtree), head, deactivate."""

import re

from sqlalchemy import select

from blueprints.admin.models import AuditEntry
from blueprints.auth.access import led_units
from blueprints.auth.models import Unit
from extensions import db
from tests import factories
from tests.conftest import YES
from tests.factories_admin import request_queries, sign_in


def _audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _reload(unit: Unit) -> Unit:
    db.session.expire_all()
    return db.session.get(Unit, unit.id)


def test_tree_lists_units_indented_in_tree_order(client, org):
    sub = factories.unit("KEL-A-1", "Lingkungan I", org.kel_a, kind="lingkungan")
    sign_in(client, org.admin)
    html = client.get("/admin/unit").get_data(as_text=True)
    names = re.findall(r'<a href="/admin/unit/\d+">([^<]+)</a>', html)
    # Root first, then each child followed by its own subtree; siblings by name.
    assert names == ["Kecamatan Uji", "Kelurahan A", "Lingkungan I", "Kelurahan B", "Sekretariat"]
    assert f'id="unit-{sub.id}"' in html and "tree-depth-2" in html
    assert "Lurah A" in html  # the head is shown


def test_tree_is_one_query_whatever_the_size(client, org, queries):
    sign_in(client, org.admin)
    small = request_queries(queries, client, "/admin/unit")
    parent = org.kel_b
    for n in range(30):
        parent = factories.unit(f"DEEP-{n}", f"Unit {n}", parent if n % 3 else org.kec)
    assert request_queries(queries, client, "/admin/unit") == small


def test_create_unit_sets_path_and_depth_and_audits(client, org):
    sign_in(client, org.admin)
    response = client.post(
        "/admin/unit/baru",
        data={
            "parent_id": org.kel_a.id,
            "code": "kel-a-2",
            "name": "Lingkungan II",
            "kind": "lingkungan",
        },
    )
    assert response.status_code == 303
    unit = db.session.scalars(select(Unit).where(Unit.code == "KEL-A-2")).one()
    assert unit.parent_id == org.kel_a.id
    assert unit.path == f"{org.kel_a.path}{unit.id}/"
    assert unit.depth == 2
    assert _audits("unit.created")[0].target_id == unit.id


def test_create_unit_rejects_a_taken_code_and_a_second_root(client, org):
    sign_in(client, org.admin)
    taken = client.post(
        "/admin/unit/baru",
        data={"parent_id": org.kec.id, "code": "kel-a", "name": "X", "kind": "seksi"},
    )
    assert taken.status_code == 422
    assert "Kode unit sudah dipakai." in taken.get_data(as_text=True)
    root = client.post(
        "/admin/unit/baru", data={"parent_id": "", "code": "ROOT2", "name": "X", "kind": "seksi"}
    )
    assert root.status_code == 422
    assert db.session.scalar(select(Unit).where(Unit.code.in_(["ROOT2"]))) is None


def test_rename_is_audited(client, org):
    sign_in(client, org.admin)
    response = client.post(
        f"/admin/unit/{org.kel_a.id}",
        data={"code": "KEL-A", "name": "Kelurahan Paya Pasir", "kind": "kelurahan"},
    )
    assert response.status_code == 303
    assert _reload(org.kel_a).name == "Kelurahan Paya Pasir"
    [entry] = _audits("unit.updated")
    assert "Kelurahan A -> Kelurahan Paya Pasir" in entry.detail
    assert entry.actor_id == org.admin.id


def test_move_updates_the_whole_subtree_with_one_update(client, org, queries):
    # KEL-A -> L1 -> L1a -> L1a-x ; move L1 under KEL-B.
    l1 = factories.unit("L1", "Lingkungan 1", org.kel_a)
    l1a = factories.unit("L1A", "Lingkungan 1a", l1)
    l1ax = factories.unit("L1AX", "Lingkungan 1a-x", l1a)
    other = factories.unit("L2", "Lingkungan 2", org.kel_a)
    sign_in(client, org.admin)
    with queries() as q:
        response = client.post(f"/admin/unit/{l1.id}/pindah", data={"move-parent_id": org.kel_b.id})
    assert response.status_code == 303
    updates = [s for s in q.statements if s.lstrip().upper().startswith("UPDATE UNIT")]
    assert len(updates) == 1, updates
    base = org.kel_b.path
    assert _reload(l1).path == f"{base}{l1.id}/" and _reload(l1).depth == 2
    assert _reload(l1).parent_id == org.kel_b.id
    assert _reload(l1a).path == f"{base}{l1.id}/{l1a.id}/" and _reload(l1a).depth == 3
    assert _reload(l1a).parent_id == l1.id
    assert _reload(l1ax).path == f"{base}{l1.id}/{l1a.id}/{l1ax.id}/" and _reload(l1ax).depth == 4
    # Units outside the subtree are untouched.
    assert _reload(other).path == f"{org.kel_a.path}{other.id}/"
    assert _reload(org.kel_a).path == f"/{org.kec.id}/{org.kel_a.id}/"
    assert "unit.moved" in [e.action for e in _audits("unit.moved")]
    # The leader's scope follows the tree: Lurah B now heads L1's subtree.
    from blueprints.auth.access import subtree_unit_ids_stmt

    assert l1ax.id in set(db.session.scalars(subtree_unit_ids_stmt(org.lurah_b)))


def test_move_under_its_own_subtree_is_refused(client, org):
    child = factories.unit("C1", "Anak", org.kel_a)
    sign_in(client, org.admin)
    for target in (child.id, org.kel_a.id):
        response = client.post(
            f"/admin/unit/{org.kel_a.id}/pindah", data={"move-parent_id": target}
        )
        assert response.status_code == 422
    assert _reload(org.kel_a).path == f"/{org.kec.id}/{org.kel_a.id}/"
    assert _reload(child).path == f"/{org.kec.id}/{org.kel_a.id}/{child.id}/"
    assert not _audits("unit.moved")
    # The form does not even offer the unit's own subtree.
    html = client.get(f"/admin/unit/{org.kel_a.id}").get_data(as_text=True)
    move_select = html.split('name="move-parent_id"')[1].split("</select>")[0]
    assert f'value="{child.id}"' not in move_select and f'value="{org.kel_b.id}"' in move_select


def test_move_service_refuses_own_subtree_directly(org):
    from blueprints.admin import services

    child = factories.unit("C2", "Anak", org.kel_a)
    try:
        services.move_unit(org.kel_a, child.id)
    except services.AdminError as error:
        assert error.field == "parent_id"
    else:
        raise AssertionError("moving under its own subtree must fail")


def test_set_head_makes_a_leader_and_is_audited(client, org):
    sign_in(client, org.admin)
    response = client.post(
        f"/admin/unit/{org.kel_a.id}/pimpinan", data={"head-head_id": org.staff_a1.id}
    )
    assert response.status_code == 303
    assert _reload(org.kel_a).head_id == org.staff_a1.id
    assert [u.code for u in led_units(org.staff_a1)] == ["KEL-A"]
    [entry] = _audits("unit.head_set")
    assert entry.target_id == org.kel_a.id


def test_set_head_requires_an_active_member(client, org):
    org.staff_a1.active = False
    db.session.commit()
    sign_in(client, org.admin)
    inactive = client.post(
        f"/admin/unit/{org.kel_a.id}/pimpinan", data={"head-head_id": org.staff_a1.id}
    )
    assert inactive.status_code == 422
    outsider = client.post(
        f"/admin/unit/{org.kel_a.id}/pimpinan", data={"head-head_id": org.staff_b1.id}
    )
    assert outsider.status_code == 422
    assert _reload(org.kel_a).head_id == org.lurah_a.id
    # Clearing the head is allowed.
    assert (
        client.post(f"/admin/unit/{org.kel_a.id}/pimpinan", data={"head-head_id": ""}).status_code
        == 303
    )
    assert _reload(org.kel_a).head_id is None


def test_deactivate_needs_an_empty_unit_then_reactivates(client, org):
    sign_in(client, org.admin)
    refused = client.post(
        f"/admin/unit/{org.kel_b.id}/nonaktifkan", data=YES, follow_redirects=True
    )
    assert "masih punya pegawai aktif" in refused.get_data(as_text=True)
    assert _reload(org.kel_b).active
    empty = factories.unit("EMPTY", "Unit Kosong", org.kel_b)
    client.post(f"/admin/unit/{org.kel_b.id}/nonaktifkan", data=YES)
    assert _reload(org.kel_b).active  # still has a child unit and members
    assert client.post(f"/admin/unit/{empty.id}/nonaktifkan", data=YES).status_code == 303
    assert not _reload(empty).active
    assert _audits("unit.deactivated")[0].target_id == empty.id
    assert client.post(f"/admin/unit/{empty.id}/aktifkan").status_code == 303
    assert _reload(empty).active


def test_unknown_unit_is_404(client, org):
    sign_in(client, org.admin)
    assert client.get("/admin/unit/99999").status_code == 404
    assert (
        client.post("/admin/unit/99999/pindah", data={"move-parent_id": org.kec.id}).status_code
        == 404
    )
