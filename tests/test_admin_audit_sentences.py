"""The audit log reads as sentences in the reader's language (issue 15): every code the code base
audits has one, an unknown code still reads as a sentence, and naming the targets costs one
query per target kind whatever the number of entries."""

import ast
import re
from datetime import date
from pathlib import Path

from blueprints.admin import audit_sentences
from blueprints.admin.audit import audit
from blueprints.admin.models import AuditEntry
from blueprints.competencies.models import Competency
from blueprints.surveys.models import SurveyAction, SurveyActionPlan
from blueprints.workshops.models import CheckinRequest
from extensions import db
from tests import factories_feedback as ff
from tests import factories_surveys as fs
from tests import factories_workshops as fw
from tests.factories_admin import request_queries, sign_in

ROOT = Path(__file__).resolve().parents[1]

# Codes built at run time: f"workshops.external_{record.status}" and the like. Each prefix the
# code base uses must be listed here with every value it can take.
DYNAMIC_CODES = {
    "workshops.external_": {"verified", "rejected"},  # ledger.review: the new status
    "workshops.session_": {"publish", "cancel", "complete"},  # catalogue.change_status
    "workshops.checkin_": {"accepted", "refused"},  # checkin.decide: the request's status
}


def _audited_codes() -> tuple[set[str], set[str]]:
    """(literal codes, f-string prefixes) of every audit(...) call in the application."""
    literal, prefixes = set(), set()
    for path in sorted(ROOT.glob("blueprints/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit"):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literal.add(first.value)
            elif isinstance(first, ast.JoinedStr) and isinstance(first.values[0], ast.Constant):
                prefixes.add(first.values[0].value)
            else:
                raise AssertionError(f"{path}:{node.lineno}: an audit code the test cannot read")
    return literal, prefixes


def test_every_audited_code_has_a_sentence():
    literal, prefixes = _audited_codes()
    assert len(literal) > 40 and "workshops.workshop_saved" in literal
    assert prefixes == set(DYNAMIC_CODES)
    codes = literal | {p + v for p, values in DYNAMIC_CODES.items() for v in values}
    assert sorted(codes - set(audit_sentences.ACTIONS)) == []
    # And nothing listed that the code base no longer writes.
    assert sorted(set(audit_sentences.ACTIONS) - codes) == []


def _targets(org):
    """One audited entry per target kind the presenter names (and one without a target)."""
    item = fw.workshop(org.organizer, "Dasar Pelayanan Publik")
    starts = fw.utc(2026, 12, 2, 1, 30)  # 08.30 WIB
    sess = fw.session(item, starts_at=starts)
    reg = fw.registration(sess, org.staff_a1)
    request = CheckinRequest(session_id=sess.id, employee_id=org.staff_b1.id, status="refused")
    topic = fw.topic("Pelayanan Prima")
    ext = fw.external(org.staff_a2, title="E-learning Arsip", status="verified")
    fb = ff.feedback(org.lurah_a, org.staff_a1)
    round_ = ff.upward_round(title="Putaran Uji 2026")
    t = fs.instrument(name="Kesiapan Berubah")
    wave = fs.wave(t.inst, [org.kel_a], title="Gelombang Desember")
    plan = SurveyActionPlan(wave_id=wave.id, unit_id=org.kel_a.id)
    action = SurveyAction(
        wave_id=wave.id,
        unit_id=org.kel_a.id,
        dimension_id=t.dims["R1"].id,
        what="Rapat pagi mingguan",
        owner_id=org.lurah_a.id,
        due_on=date(2026, 12, 31),
    )
    competency = Competency(code="uji-ik", name="Integritas Uji", kind="manajerial")
    db.session.add_all([request, plan, action, competency])
    db.session.flush()
    return [
        ("employee.roles_changed", org.staff_a1, org.admin),
        ("unit.updated", org.kel_a, org.admin),
        ("workshops.workshop_saved", item, org.organizer),
        ("workshops.session_cancel", sess, org.organizer),
        ("workshops.participant_removed", reg, org.organizer),
        ("workshops.checkin_refused", request, org.organizer),
        ("workshops.topic_toggled", topic, org.admin),
        ("workshops.external_verified", ext, org.organizer),
        ("feedback.read", fb, org.camat),
        ("upward.round_closed", round_, None),
        ("survey.instrument_created", t.inst, org.admin),
        ("survey.wave_opened", wave, org.admin),
        ("survey.action_plan_reviewed", plan, org.camat),
        ("survey.action_saved", action, org.lurah_a),
        ("competencies.dictionary_saved", competency, org.admin),
        ("setting.updated", None, org.admin),
    ]


def _write(rows, times: int = 1) -> None:
    for _ in range(times):
        for code, target, actor in rows:
            detail = "jp_target_pns: 20 -> 24" if code == "setting.updated" else ""
            audit(code, target, detail, actor=actor)
    db.session.commit()


def _texts(app, entries) -> list[str]:
    with app.test_request_context():
        return [line.text for line in audit_sentences.lines(entries)]


def _all_entries() -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)))


def test_each_target_kind_reads_as_a_sentence(app, org):
    _write(_targets(org))
    assert _texts(app, _all_entries()) == [
        "Admin Admin Uji mengubah peran Staf A1.",
        "Admin Admin Uji mengubah data unit Kelurahan A.",
        "Penyelenggara Penyelenggara Uji menyimpan pelatihan Dasar Pelayanan Publik.",
        "Penyelenggara Uji membatalkan sesi Dasar Pelayanan Publik (2 Des 2026).",
        "Penyelenggara Uji mengeluarkan Staf A1 dari sesi Dasar Pelayanan Publik (2 Des 2026).",
        "Penyelenggara Uji tidak menerima presensi Staf B1 di sesi Dasar Pelayanan Publik "
        "(2 Des 2026).",
        "Admin Admin Uji mengubah status topik Pelayanan Prima.",
        "Penyelenggara Penyelenggara Uji memverifikasi pembelajaran eksternal “E-learning Arsip” "
        "milik Staf A2.",
        "Pimpinan Camat Uji membaca umpan balik untuk Staf A1.",
        "Sistem menutup putaran umpan balik ke atas Putaran Uji 2026.",
        "Admin Admin Uji membuat instrumen survei Kesiapan Berubah.",
        "Admin Admin Uji membuka gelombang survei Gelombang Desember.",
        "Camat Uji meninjau rencana aksi unit Kelurahan A untuk gelombang Gelombang Desember.",
        "Lurah A menyimpan aksi “Rapat pagi mingguan” untuk unit Kelurahan A.",
        "Admin Admin Uji menyimpan kompetensi Integritas Uji dalam kamus kompetensi.",
        "Admin Admin Uji mengubah pengaturan.",
    ]


def test_the_page_shows_sentences_with_links_and_the_code_aside(client, org):
    _write(_targets(org))
    sign_in(client, org.admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "feedback #" not in html and "workshop_session #" not in html
    assert (
        f'Admin <a href="/admin/pegawai/{org.admin.id}">Admin Uji</a> mengubah data unit '
        f'<a href="/admin/unit/{org.kel_a.id}">Kelurahan A</a>.' in html
    )
    assert "Pimpinan" in html and "membaca umpan balik untuk Staf A1." in html
    # The code stays, small and aside, for admins who search for it.
    assert '<span class="small muted block"><code>feedback.read</code></span>' in html
    # The filter lists the actions by their labels.
    assert '<option value="feedback.read">Umpan balik dibaca</option>' in html
    home = client.get("/admin/").get_data(as_text=True)
    assert "membaca umpan balik untuk Staf A1." in home and "<code>feedback.read</code>" not in home


def test_names_are_escaped(app, client, org):
    org.staff_a1.name = "Staf <b>A1</b>"
    _write([("employee.updated", org.staff_a1, org.admin)])
    sign_in(client, org.admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Staf &lt;b&gt;A1&lt;/b&gt;</a>" in html and "<b>A1</b>" not in html


def test_unknown_codes_and_kinds_and_lost_targets_still_read(app, client, org):
    audit("unit.renamed_later", org.kel_a, "", actor=org.admin)
    audit("backup.restored", None, "", actor=None)
    entry = audit("mystery.touched", None, "", actor=org.staff_a1)
    entry.target_type, entry.target_id = "mystery_table", 3
    gone = audit("workshops.workshop_saved", None, "", actor=org.organizer)
    gone.target_type, gone.target_id = "workshop", 999
    gone_session = audit("workshops.participant_removed", None, "", actor=org.organizer)
    gone_session.target_type, gone_session.target_id = "workshop_registration", 999
    db.session.commit()
    assert _texts(app, _all_entries()) == [
        "Admin Uji melakukan tindakan yang tidak tercantum pada Kelurahan A.",
        "Sistem melakukan tindakan yang tidak tercantum.",
        "Staf A1 melakukan tindakan yang tidak tercantum pada catatan #3.",
        "Penyelenggara Penyelenggara Uji menyimpan pelatihan #999.",
        "Penyelenggara Uji: Peserta dikeluarkan.",
    ]
    sign_in(client, org.admin)
    response = client.get("/admin/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<code>unit.renamed_later</code>" in html
    assert "Tindakan lain (unit.renamed_later)" in html  # the filter option


def test_the_page_statement_count_does_not_grow_with_the_entries(client, org, queries):
    rows = _targets(org)
    _write(rows)
    sign_in(client, org.admin)
    small = request_queries(queries, client, "/admin/audit")
    _write(rows, times=3)  # 64 entries: two pages' worth, every kind on the first
    assert request_queries(queries, client, "/admin/audit") == small
    assert request_queries(queries, client, "/admin/audit?page=2") <= small
    home = request_queries(queries, client, "/admin/")
    _write(rows, times=2)
    assert request_queries(queries, client, "/admin/") == home


def test_english_sentences(client, org):
    """Fails until the English catalogue has the audit sentences (translations/en)."""
    _write(_targets(org))
    org.admin.locale = "en"
    db.session.commit()
    sign_in(client, org.admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", html)
    assert "Organizer Penyelenggara Uji saved the training Dasar Pelayanan Publik." in text
    assert "Penyelenggara Uji cancelled the session Dasar Pelayanan Publik (2 Dec 2026)." in text
    assert "The system closed the upward feedback round Putaran Uji 2026." in text
    assert "Leader Camat Uji read the feedback for Staf A1." in text
