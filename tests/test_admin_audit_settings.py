"""The admin home, the audit log list and the settings page."""

import re
from datetime import timedelta

from sqlalchemy import select

from blueprints.admin.audit import audit
from blueprints.admin.models import AuditEntry, Setting
from blueprints.admin.settings import SPECS, get_setting
from blueprints.common.timefmt import utcnow
from extensions import db
from tests.conftest import HX
from tests.factories_admin import request_queries, sign_in


def _entries(count: int, org) -> None:
    start = utcnow() - timedelta(days=1)
    for n in range(count):
        entry = audit(
            "unit.updated" if n % 2 else "employee.updated",
            org.kel_a if n % 2 else org.staff_a1,
            f"perubahan {n}",
            actor=org.admin if n % 3 else org.camat,
        )
        entry.at = start + timedelta(minutes=n)
    db.session.commit()


def _details(html: str) -> list[str]:
    return re.findall(r'<td class="audit-detail">([^<]*)</td>', html)


def test_home_shows_counts_and_links(client, org):
    org.staff_b1.active = False
    db.session.commit()
    sign_in(client, org.admin)
    html = client.get("/admin/").get_data(as_text=True)
    figures = dict(
        (label, int(value))
        for value, label in re.findall(
            r'<span class="stat">(\d+)</span> <span class="stat-label">([^<]+)</span>', html
        )
    )
    assert figures["pegawai aktif"] == 9
    assert figures["akun nonaktif"] == 1
    assert figures["unit aktif"] == 4
    assert figures["pimpinan unit"] == 4
    assert figures["admin"] == 1 and figures["penyelenggara"] == 1
    for endpoint in (
        "/admin/unit",
        "/admin/pegawai",
        "/admin/impor",
        "/admin/audit",
        "/admin/pengaturan",
    ):
        assert f'href="{endpoint}"' in html


def test_audit_log_newest_first_filtered_and_paginated(client, org):
    _entries(60, org)
    sign_in(client, org.admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    details = _details(html)
    assert details[:3] == ["perubahan 59", "perubahan 58", "perubahan 57"]
    assert len(details) == 50
    assert 'href="/admin/audit?page=2"' in html
    second = _details(client.get("/admin/audit?page=2").get_data(as_text=True))
    assert second == [f"perubahan {n}" for n in range(9, -1, -1)]

    by_action = _details(client.get("/admin/audit?action=unit.updated").get_data(as_text=True))
    assert by_action[:2] == ["perubahan 59", "perubahan 57"] and len(by_action) == 30
    by_actor = _details(client.get("/admin/audit?actor=camat").get_data(as_text=True))
    assert by_actor[:2] == ["perubahan 57", "perubahan 54"] and len(by_actor) == 20
    by_nip = _details(client.get(f"/admin/audit?actor={org.camat.nip}").get_data(as_text=True))
    assert by_nip == by_actor
    both = _details(
        client.get("/admin/audit?action=unit.updated&actor=camat").get_data(as_text=True)
    )
    assert both[:2] == ["perubahan 57", "perubahan 51"] and len(both) == 10
    # Targets are named and linked.
    assert f'href="/admin/unit/{org.kel_a.id}">Kelurahan A</a>' in html


def test_audit_log_fragment_and_bounded_queries(client, org, queries):
    _entries(10, org)
    sign_in(client, org.admin)
    fragment = client.get("/admin/audit?action=unit.updated", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and len(_details(fragment)) == 5
    small = request_queries(queries, client, "/admin/audit")
    _entries(200, org)
    assert request_queries(queries, client, "/admin/audit") == small


def test_settings_are_saved_within_bounds_and_audited(client, org):
    sign_in(client, org.admin)
    html = client.get("/admin/pengaturan").get_data(as_text=True)
    for key, spec in SPECS.items():
        assert f'name="{key}"' in html and f'value="{spec.default}"' in html
    data = {key: spec.default for key, spec in SPECS.items()}
    data["jp_target_pns"] = 24
    response = client.post("/admin/pengaturan", data=data)
    assert response.status_code == 303
    assert get_setting("jp_target_pns") == 24
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "setting.updated"))
    assert entry.detail == "jp_target_pns: 20 -> 24" and entry.actor_id == org.admin.id
    assert db.session.scalar(select(Setting.key)) == "jp_target_pns"  # unchanged ones not stored


def test_settings_out_of_bounds_are_refused(client, org):
    sign_in(client, org.admin)
    data = {key: spec.default for key, spec in SPECS.items()}
    data["survey_min_group"] = 2  # never below 3 (product.md anonymity rules)
    data["feedback_cadence_days"] = "abc"
    response = client.post("/admin/pengaturan", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Isi angka antara 3 dan 100." in html
    assert "Isi dengan bilangan bulat." in html and "Not a valid" not in html
    assert db.session.scalar(select(Setting)) is None
    assert not db.session.scalar(select(AuditEntry).where(AuditEntry.action == "setting.updated"))
