"""Route x role matrix (issue 7 §6): every endpoint the app registers, for anonymous, staff,
organizer, leader and admin, with the status a GET must return; every state-changing route is
login-protected and CSRF-protected.

A route missing from MATRIX fails the test: a new route must be classified here."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

from blueprints.common.timefmt import utcnow
from blueprints.competencies import dictionary as competency_dictionary
from blueprints.workshops import api as workshop_services
from extensions import db
from tests import factories
from tests import factories_dashboard as fd
from tests import factories_feedback as ff
from tests import factories_surveys as fs
from tests import factories_workshops as fw
from tests.conftest import HX, PASSWORD

# "outsider" is staff_b1: a plain employee of another kelurahan, to catch object-level leaks
# (IDOR) on staff_a1's own feedback, plan, certificate, evidence and ledger.
ROLES = ("anon", "staff", "organizer", "leader", "admin", "outsider")
LOGIN = "login"  # a 302 to the login page


def _world(org) -> SimpleNamespace:
    """One object of every kind the routes take an id of; staff_a1 owns the personal ones."""
    topic = fw.topic("Topik Keamanan")
    workshop = fw.workshop(org.organizer, "Pelatihan Keamanan", topics=[topic])
    past = fw.session(workshop, starts_at=(utcnow() - timedelta(days=3)).replace(microsecond=0))
    registration = fw.registration(past, org.staff_a1, attended=True)
    record = fw.external(org.staff_a1, status="pending", evidence_file="bukti-uji.pdf")
    with open(workshop_services.evidence_path(record), "wb") as fh:
        fh.write(b"%PDF-1.4\n%%EOF\n")
    fb = ff.feedback(org.camat, org.staff_a1, follow_ups=[("Ikuti kelas", 7)])
    goal = fd.goal(org.staff_a1)
    req = ff.request(org.staff_a1, org.camat)
    round_ = ff.upward_round()
    inst = fs.instrument()
    wave = fs.wave(inst.inst, [org.kec, org.sek, org.kel_a, org.kel_b])
    token = workshop_services.calendar_token(org.staff_a1)
    competency_dictionary.install_builtin()
    db.session.commit()
    return SimpleNamespace(
        args={
            "employee_id": org.staff_a1.id,
            "unit_id": org.kel_a.id,
            "token": "tidak-ada-token-impor",
            "feedback_id": fb.id,
            "follow_up_id": fb.follow_ups[0].id,
            "step": None,  # per rule, see _url
            "fmt": "csv",
            "goal_id": goal.id,
            "request_id": req.id,
            "round_id": round_.id,
            "workshop_id": workshop.id,
            "notification_id": 999_999,
            "instrument_id": inst.inst.id,
            "dimension_id": next(iter(inst.dims.values())).id,
            "question_id": inst.texts[0].id,
            "wave_id": wave.id,
            "plan_id": 999_999,
            "action_id": 999_999,
            "session_id": past.id,
            "registration_id": registration.id,
            "record_id": record.id,
            "decision": "verifikasi",
            "action": "publikasi",
            "topic_id": topic.id,
            "code": "KODE-TIDAK-ADA",
            "filename": "css/app.css",
            "competency_id": competency_dictionary.all_competencies()[0].id,
            "year": 2026,
        },
        feed_token=token.token,
    )


def _url(rule, world) -> str:
    args = {}
    for name in rule.arguments:
        value = world.args[name]
        if name == "step":
            value = "selesai" if "follow_up" in rule.endpoint else "setujui"
        if name == "token" and rule.endpoint == "workshops.feed":
            value = world.feed_token
        if name == "fmt" and "csv" not in str(rule):  # e.g. <any(xlsx, zip):fmt>
            value = "xlsx"
        args[name] = value
    return rule.build(args, append_unknown=False)[1]


def _client(app, person):
    client = app.test_client()
    if person is not None:
        response = client.post("/masuk", data={"identifier": person.email, "password": PASSWORD})
        assert response.status_code in (302, 303), person.email
    return client


def _people(org):
    return {
        "anon": None,
        "staff": org.staff_a1,
        "organizer": org.organizer,
        "leader": org.camat,
        "admin": org.admin,
        "outsider": org.staff_b1,
    }


def _observed(response) -> int | str:
    if response.status_code in (302, 303) and "/masuk" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


# Expected GET status per role: (anon, staff, organizer, leader, admin, outsider). POST-only endpoints
# are marked POST: they are checked by test_state_changing_routes_need_login_and_csrf.
POST = "POST"
MATRIX: dict[str, tuple | str] = {
    "admin.audit_log": (LOGIN, 403, 403, 403, 200, 403),
    "admin.employee_edit": (LOGIN, 403, 403, 403, 200, 403),
    "admin.employee_new": (LOGIN, 403, 403, 403, 200, 403),
    "admin.employees": (LOGIN, 403, 403, 403, 200, 403),
    "admin.import_form": (LOGIN, 403, 403, 403, 200, 403),
    "admin.import_preview": (LOGIN, 403, 403, 403, 302, 403),
    "admin.import_template": (LOGIN, 403, 403, 403, 200, 403),
    "admin.index": (LOGIN, 403, 403, 403, 200, 403),
    "admin.settings": (LOGIN, 403, 403, 403, 200, 403),
    "admin.unit_edit": (LOGIN, 403, 403, 403, 200, 403),
    "admin.unit_new": (LOGIN, 403, 403, 403, 200, 403),
    "admin.units": (LOGIN, 403, 403, 403, 200, 403),
    "auth.login": (200, 302, 302, 302, 302, 302),
    "auth.password": (LOGIN, 200, 200, 200, 200, 200),
    "competencies.akpk_export": (LOGIN, 403, 200, 200, 403, 403),
    "competencies.akpk_index": (LOGIN, 403, 200, 200, 403, 403),
    "competencies.centre": (LOGIN, 403, 403, 403, 200, 403),
    "competencies.competency_edit": (LOGIN, 403, 403, 403, 200, 403),
    "competencies.competency_new": (LOGIN, 403, 403, 403, 200, 403),
    "competencies.dictionary_index": (LOGIN, 200, 200, 200, 200, 200),
    "competencies.mine": (LOGIN, 200, 200, 200, 200, 200),
    "competencies.person": (LOGIN, 302, 404, 200, 404, 404),
    "competencies.standard_edit": (LOGIN, 403, 403, 403, 200, 403),
    "competencies.standards_export": (LOGIN, 403, 403, 403, 200, 403),
    "competencies.standards_index": (LOGIN, 403, 403, 403, 200, 403),
    "competencies.team": (LOGIN, 403, 403, 200, 403, 403),
    "competencies.workshop": (LOGIN, 403, 200, 403, 403, 403),
    "dashboard.career": (LOGIN, 200, 200, 200, 200, 200),
    "dashboard.healthz": (200, 200, 200, 200, 200, 200),
    "dashboard.home": (LOGIN, 200, 200, 200, 200, 200),
    "dashboard.leader": (LOGIN, 403, 403, 200, 403, 403),
    "dashboard.leader_export": (LOGIN, 403, 403, 200, 403, 403),
    "dashboard.leader_people": (LOGIN, 403, 403, 200, 403, 403),
    "dashboard.my_data": (LOGIN, 200, 200, 200, 200, 200),
    "dashboard.organizer": (LOGIN, 403, 200, 403, 403, 403),
    "feedback.addendum": (LOGIN, 403, 404, 200, 404, 404),
    "feedback.admin_counts": (LOGIN, 403, 403, 403, 200, 403),
    "feedback.edit": (LOGIN, 403, 404, 409, 404, 404),
    "feedback.export_list": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.export_one": (LOGIN, 200, 404, 200, 404, 404),
    "feedback.given": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.goal_edit": (LOGIN, 200, 404, 200, 404, 404),
    "feedback.goal_new": (LOGIN, 200, 404, 200, 404, 404),
    "feedback.history": (LOGIN, 200, 404, 200, 404, 404),
    "feedback.index": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.member": (LOGIN, 403, 403, 200, 403, 403),
    "feedback.my_plan": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.new": (LOGIN, 403, 403, 200, 403, 403),
    "feedback.plan": (LOGIN, 200, 404, 200, 404, 404),
    "feedback.quick": (LOGIN, 403, 403, 200, 403, 403),
    "feedback.reflections": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.request_decline": (LOGIN, 403, 404, 200, 404, 404),
    "feedback.request_new": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.requests": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.show": (LOGIN, 200, 404, 200, 404, 404),
    "feedback.team": (LOGIN, 403, 403, 200, 403, 403),
    "feedback.upward_form": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.upward_results": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.workshop_pick": (LOGIN, 200, 200, 200, 200, 200),
    "feedback.workshop_search": (LOGIN, 200, 200, 200, 200, 200),
    "notifications.count": (LOGIN, 200, 200, 200, 200, 200),
    "notifications.index": (LOGIN, 200, 200, 200, 200, 200),
    "static": (200, 200, 200, 200, 200, 200),
    "surveys.about": (LOGIN, 200, 200, 200, 200, 200),
    "surveys.answer": (LOGIN, 200, 200, 200, 200, 200),
    "surveys.builder": (LOGIN, 403, 403, 403, 200, 403),
    "surveys.edit_question": (LOGIN, 403, 403, 403, 200, 403),
    "surveys.export": (LOGIN, 403, 403, 200, 200, 403),
    "surveys.index": (LOGIN, 200, 200, 200, 200, 200),
    "surveys.manage": (LOGIN, 403, 403, 403, 200, 403),
    "surveys.new_instrument": (LOGIN, 403, 403, 403, 200, 403),
    "surveys.new_wave": (LOGIN, 403, 403, 403, 200, 403),
    "surveys.action_edit": (LOGIN, 403, 403, 404, 404, 403),
    "surveys.pulse_new": (LOGIN, 403, 403, 403, 200, 403),
    "surveys.results": (LOGIN, 403, 403, 200, 200, 403),
    "surveys.results_index": (LOGIN, 403, 403, 200, 200, 403),
    "surveys.submitted": (LOGIN, 302, 302, 302, 302, 302),
    "surveys.wave": (LOGIN, 403, 403, 403, 200, 403),
    "workshops.approvals": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.attendance_recap": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.attendance_sheet": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.document_settings": (LOGIN, 403, 403, 403, 200, 403),
    "workshops.history_export": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.unit_history": (LOGIN, 403, 200, 403, 200, 403),
    "workshops.unit_history_export": (LOGIN, 403, 200, 403, 200, 403),
    "workshops.cancel_confirm": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.certificate": (LOGIN, 200, 200, 404, 404, 404),
    "workshops.checkin_code": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.checkin_scan": (LOGIN, 422, 422, 422, 422, 422),
    "workshops.checkin_screen": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.decline_confirm": (LOGIN, 404, 404, 404, 404, 404),
    "workshops.evaluate": (LOGIN, 200, 303, 303, 303, 303),
    "workshops.evidence": (LOGIN, 200, 200, 200, 404, 404),
    "workshops.export": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.external_new": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.external_queue": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.feed": (200, 200, 200, 200, 200, 200),
    "workshops.index": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.ledger": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.ledger_of": (LOGIN, 200, 200, 200, 200, 404),
    "workshops.manage": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.mine": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.participants": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.remove_confirm": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.report": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.session_edit": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.session_ics": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.session_new": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.show": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.topics": (LOGIN, 403, 403, 403, 200, 403),
    "workshops.verify": (404, 404, 404, 404, 404, 404),
    "workshops.workshop": (LOGIN, 200, 200, 200, 200, 200),
    "workshops.workshop_edit": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.workshop_manage": (LOGIN, 403, 200, 403, 403, 403),
    "workshops.workshop_new": (LOGIN, 403, 200, 403, 403, 403),
    "admin.employee_create": POST,
    "admin.employee_deactivate": POST,
    "admin.employee_reactivate": POST,
    "admin.employee_reset_password": POST,
    "admin.employee_roles": POST,
    "admin.employee_update": POST,
    "admin.import_commit": POST,
    "admin.import_upload": POST,
    "admin.settings_update": POST,
    "admin.unit_create": POST,
    "admin.unit_deactivate": POST,
    "admin.unit_head": POST,
    "admin.unit_move": POST,
    "admin.unit_reactivate": POST,
    "admin.unit_update": POST,
    "auth.language": POST,
    "auth.logout": POST,
    "competencies.akpk_assign": POST,
    "competencies.assess": POST,
    "competencies.centre_create": POST,
    "competencies.competency_create": POST,
    "competencies.competency_update": POST,
    "competencies.dictionary_install": POST,
    "competencies.propose_goal": POST,
    "competencies.self_assess": POST,
    "competencies.standard_update": POST,
    "competencies.standards_import": POST,
    "competencies.target": POST,
    "competencies.workshop_update": POST,
    "feedback.acknowledge": POST,
    "feedback.create": POST,
    "feedback.delete": POST,
    "feedback.follow_up": POST,
    "feedback.goal_step": POST,
    "feedback.quick_create": POST,
    "feedback.respond": POST,
    "feedback.round_close": POST,
    "feedback.round_open": POST,
    "feedback.send": POST,
    "feedback.update": POST,
    "notifications.open": POST,
    "notifications.read_all": POST,
    "surveys.action_briefing": POST,
    "surveys.action_create": POST,
    "surveys.add_dimension": POST,
    "surveys.add_question": POST,
    "surveys.close_wave": POST,
    "surveys.copy_instrument": POST,
    "surveys.delete_dimension": POST,
    "surveys.delete_question": POST,
    "surveys.install_builtin": POST,
    "surveys.move_question": POST,
    "surveys.open_wave": POST,
    "surveys.remind": POST,
    "surveys.review_plan": POST,
    "surveys.save_draft": POST,
    "surveys.save_plan": POST,
    "surveys.submit": POST,
    "surveys.update_instrument": POST,
    "workshops.all_present": POST,
    "workshops.approve": POST,
    "workshops.attendance": POST,
    "workshops.checkin_confirm": POST,
    "workshops.checkin_decide": POST,
    "workshops.cancel": POST,
    "workshops.decline": POST,
    "workshops.external_review": POST,
    "workshops.document_settings_update": POST,
    "workshops.feed_reset": POST,
    "workshops.participants_add": POST,
    "workshops.register": POST,
    "workshops.remove": POST,
    "workshops.session_status": POST,
    "workshops.topic_toggle": POST,
    "workshops.walk_in": POST,
}


def _get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods]


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - MATRIX.keys())
    stale = sorted(MATRIX.keys() - endpoints)
    assert not missing, f"routes not classified in MATRIX: {missing}"
    assert not stale, f"MATRIX names routes that no longer exist: {stale}"
    for rule in app.url_map.iter_rules():
        expected = MATRIX.get(rule.endpoint)
        if "GET" in rule.methods:
            assert expected != POST, f"{rule.endpoint} answers GET: give its statuses"
        else:
            assert expected == POST, f"{rule.endpoint} is POST-only: mark it POST"


def test_get_status_for_every_route_and_role(app, org):
    world = _world(org)
    clients = {role: _client(app, person) for role, person in _people(org).items()}
    mismatches = []
    for rule in sorted(_get_rules(app), key=lambda r: r.endpoint):
        url = _url(rule, world)
        row = []
        for role in ROLES:
            with clients[role].get(url) as response:
                row.append(_observed(response))
        expected = MATRIX.get(rule.endpoint)
        if expected is not None and tuple(expected) != tuple(row):
            mismatches.append(f"{rule.endpoint} {url}: expected {expected}, got {tuple(row)}")
    assert not mismatches, "\n".join(mismatches)


# POST endpoints an anonymous visitor may use (the login form itself, logout, the language switch).
ANONYMOUS_POST = {"auth.login", "auth.logout", "auth.language"}


def _post_rules(app):
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in r.methods),
        key=lambda r: r.endpoint,
    )


def test_anonymous_post_to_every_state_changing_route_goes_to_login(app, org):
    world = _world(org)
    client = app.test_client()
    wrong = []
    for rule in _post_rules(app):
        if rule.endpoint in ANONYMOUS_POST:
            continue
        url = _url(rule, world)
        with client.post(url, data={}) as response:
            status = _observed(response)
        if status != LOGIN:
            wrong.append(f"{rule.endpoint} {url}: {status}")
    assert not wrong, "\n".join(wrong)


def _page_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'"X-CSRFToken": "([^"]+)"', html) or re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def test_every_post_route_refuses_a_missing_csrf_token(csrf_app):
    org = factories.small_org()
    world = _world(org)
    anonymous = csrf_app.test_client()
    people = {"staff": org.staff_a1, "organizer": org.organizer, "admin": org.admin}
    clients = {}
    for role, person in people.items():
        client = csrf_app.test_client()
        token = _page_token(client, "/masuk")
        login = client.post(
            "/masuk", data={"identifier": person.email, "password": PASSWORD, "csrf_token": token}
        )
        assert login.status_code == 303, role
        clients[role] = client
    wrong = []
    for rule in _post_rules(csrf_app):
        url = _url(rule, world)
        with anonymous.post(url, data={}) as response:
            if _observed(response) not in (400, LOGIN):
                wrong.append(f"anonymous {rule.endpoint} {url}: {_observed(response)}")
        for role, client in clients.items():
            for headers in ({}, HX):
                with client.post(url, data={}, headers=headers) as response:
                    if response.status_code != 400:
                        kind = "htmx" if headers else "form"
                        wrong.append(f"{role} {kind} {rule.endpoint} {url}: {response.status_code}")
    # a POST with a wrong token is refused too
    with clients["staff"].post(
        "/notifikasi/baca-semua", headers={**HX, "X-CSRFToken": "palsu"}
    ) as response:
        if response.status_code != 400:
            wrong.append(f"forged token accepted: {response.status_code}")
    assert not wrong, "\n".join(wrong)
