"""The audit log as people read it: each entry one sentence in the reader's language
("Penyelenggara Budi menyimpan pelatihan Dasar Pelayanan Publik.").

`ACTIONS` lists every action code the code base writes with `audit(...)` (a test walks the
calls and fails on a code missing here): a short label for the filter and a sentence with
`%(actor)s`, `%(target)s` and, by target kind, `%(person)s`, `%(session)s`, `%(unit)s`,
`%(wave)s`, `%(detail)s`. An unknown code still reads as a sentence.

The targets' names are read with one query per target kind among the shown entries. The admin
package sits on the floor of the import arrows (docs/architecture.md), so the tables of the
blueprints above it are read through the shared metadata, by table name, never imported.
"""

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Select, select

from blueprints.admin.models import AuditEntry
from blueprints.common.timefmt import format_wib_date
from extensions import db


@dataclass(frozen=True)
class Action:
    label: object  # lazy string: the filter's option
    sentence: object  # lazy string with %(actor)s ...
    role: str | None = None  # the one role the action needs: the actor is named with it


ACTIONS: dict[str, Action] = {
    # administration
    "unit.created": Action(_l("Unit dibuat"), _l("%(actor)s membuat unit %(target)s."), "admin"),
    "unit.updated": Action(
        _l("Unit diubah"), _l("%(actor)s mengubah data unit %(target)s."), "admin"
    ),
    "unit.moved": Action(
        _l("Unit dipindahkan"), _l("%(actor)s memindahkan unit %(target)s."), "admin"
    ),
    "unit.head_set": Action(
        _l("Pimpinan unit ditetapkan"),
        _l("%(actor)s menetapkan pimpinan unit %(target)s."),
        "admin",
    ),
    "unit.deactivated": Action(
        _l("Unit dinonaktifkan"), _l("%(actor)s menonaktifkan unit %(target)s."), "admin"
    ),
    "unit.reactivated": Action(
        _l("Unit diaktifkan kembali"),
        _l("%(actor)s mengaktifkan kembali unit %(target)s."),
        "admin",
    ),
    "employee.created": Action(
        _l("Akun pegawai dibuat"), _l("%(actor)s membuat akun pegawai %(target)s."), "admin"
    ),
    "employee.updated": Action(
        _l("Data pegawai diubah"), _l("%(actor)s mengubah data pegawai %(target)s."), "admin"
    ),
    "employee.deactivated": Action(
        _l("Akun dinonaktifkan"), _l("%(actor)s menonaktifkan akun %(target)s."), "admin"
    ),
    "employee.reactivated": Action(
        _l("Akun diaktifkan kembali"),
        _l("%(actor)s mengaktifkan kembali akun %(target)s."),
        "admin",
    ),
    "employee.roles_changed": Action(
        _l("Peran diubah"), _l("%(actor)s mengubah peran %(target)s."), "admin"
    ),
    "employee.password_reset": Action(
        _l("Kata sandi disetel ulang"),
        _l("%(actor)s menyetel ulang kata sandi %(target)s."),
        "admin",
    ),
    "employee.imported": Action(
        _l("Pegawai diimpor"), _l("%(actor)s mengimpor data pegawai."), "admin"
    ),
    "setting.updated": Action(
        _l("Pengaturan diubah"), _l("%(actor)s mengubah pengaturan."), "admin"
    ),
    "document_settings.update": Action(
        _l("Pengaturan dokumen diubah"), _l("%(actor)s mengubah pengaturan dokumen."), "admin"
    ),
    # accounts
    "account.password_changed": Action(
        _l("Kata sandi diganti"), _l("%(actor)s mengganti kata sandinya sendiri.")
    ),
    "account.admin_created": Action(
        _l("Akun admin dibuat"), _l("Akun admin %(target)s dibuat dari baris perintah.")
    ),
    "dashboard.my_data_downloaded": Action(
        _l("Data pribadi diunduh"), _l("%(actor)s mengunduh data pribadinya.")
    ),
    # pelatihan
    "workshops.workshop_saved": Action(
        _l("Pelatihan disimpan"), _l("%(actor)s menyimpan pelatihan %(target)s."), "organizer"
    ),
    "workshops.session_created": Action(
        _l("Sesi dibuat"), _l("%(actor)s membuat sesi %(target)s."), "organizer"
    ),
    "workshops.session_updated": Action(
        _l("Sesi diubah"), _l("%(actor)s mengubah sesi %(target)s.")
    ),
    "workshops.session_publish": Action(
        _l("Sesi diterbitkan"), _l("%(actor)s menerbitkan sesi %(target)s.")
    ),
    "workshops.session_cancel": Action(
        _l("Sesi dibatalkan"), _l("%(actor)s membatalkan sesi %(target)s.")
    ),
    "workshops.session_complete": Action(
        _l("Sesi ditandai selesai"), _l("%(actor)s menandai sesi %(target)s selesai.")
    ),
    "workshops.participants_added": Action(
        _l("Peserta ditambahkan"), _l("%(actor)s menambahkan peserta ke sesi %(target)s.")
    ),
    "workshops.participant_removed": Action(
        _l("Peserta dikeluarkan"),
        _l("%(actor)s mengeluarkan %(target)s dari sesi %(session)s."),
    ),
    "workshops.checked_in": Action(
        _l("Presensi dengan kode QR"),
        _l("%(actor)s melakukan presensi dengan kode QR di sesi %(session)s."),
    ),
    "workshops.checkin_accepted": Action(
        _l("Peserta langsung diterima"),
        _l("%(actor)s menerima %(target)s sebagai peserta langsung sesi %(session)s."),
    ),
    "workshops.checkin_refused": Action(
        _l("Presensi tidak diterima"),
        _l("%(actor)s tidak menerima presensi %(target)s di sesi %(session)s."),
    ),
    "workshops.external_verified": Action(
        _l("Pembelajaran eksternal diverifikasi"),
        _l("%(actor)s memverifikasi pembelajaran eksternal “%(target)s” milik %(person)s."),
        "organizer",
    ),
    "workshops.external_rejected": Action(
        _l("Pembelajaran eksternal ditolak"),
        _l("%(actor)s menolak pembelajaran eksternal “%(target)s” milik %(person)s."),
        "organizer",
    ),
    "workshops.topic_added": Action(
        _l("Topik ditambahkan"), _l("%(actor)s menambahkan topik %(detail)s."), "admin"
    ),
    "workshops.topic_toggled": Action(
        _l("Status topik diubah"), _l("%(actor)s mengubah status topik %(target)s."), "admin"
    ),
    "workshops.history_export": Action(
        _l("Riwayat pelatihan diunduh"),
        _l("%(actor)s mengunduh riwayat pelatihan unit %(target)s."),
    ),
    # umpan balik
    "feedback.read": Action(
        _l("Umpan balik dibaca"), _l("%(actor)s membaca umpan balik untuk %(target)s."), "leader"
    ),
    "upward.round_opened": Action(
        _l("Putaran dibuka"),
        _l("%(actor)s membuka putaran umpan balik ke atas %(target)s."),
        "admin",
    ),
    "upward.round_closed": Action(
        _l("Putaran ditutup"), _l("%(actor)s menutup putaran umpan balik ke atas %(target)s.")
    ),
    # survei
    "survey.instrument_installed": Action(
        _l("Instrumen bawaan dipasang"),
        _l("%(actor)s memasang instrumen survei bawaan %(target)s."),
    ),
    "survey.instrument_created": Action(
        _l("Instrumen dibuat"), _l("%(actor)s membuat instrumen survei %(target)s."), "admin"
    ),
    "survey.instrument_copied": Action(
        _l("Instrumen disalin"),
        _l("%(actor)s menyalin instrumen survei menjadi %(target)s."),
        "admin",
    ),
    "survey.wave_created": Action(
        _l("Gelombang dibuat"), _l("%(actor)s membuat gelombang survei %(target)s."), "admin"
    ),
    "survey.wave_opened": Action(
        _l("Gelombang dibuka"), _l("%(actor)s membuka gelombang survei %(target)s."), "admin"
    ),
    "survey.wave_closed": Action(
        _l("Gelombang ditutup"), _l("%(actor)s menutup gelombang survei %(target)s.")
    ),
    "survey.reminders_sent": Action(
        _l("Pengingat survei dikirim"),
        _l("%(actor)s mengirim pengingat gelombang survei %(target)s."),
        "admin",
    ),
    "survey.action_plan_saved": Action(
        _l("Rencana aksi disimpan"),
        _l("%(actor)s menyimpan rencana aksi unit %(target)s untuk gelombang %(wave)s."),
    ),
    "survey.action_plan_reviewed": Action(
        _l("Rencana aksi ditinjau"),
        _l("%(actor)s meninjau rencana aksi unit %(target)s untuk gelombang %(wave)s."),
    ),
    "survey.action_saved": Action(
        _l("Aksi disimpan"), _l("%(actor)s menyimpan aksi “%(target)s” untuk unit %(unit)s.")
    ),
    "survey.briefing_scheduled": Action(
        _l("Sosialisasi dijadwalkan"),
        _l("%(actor)s menjadwalkan sosialisasi untuk aksi “%(target)s” di unit %(unit)s."),
    ),
    # kompetensi
    "competencies.dictionary_saved": Action(
        _l("Kamus kompetensi diubah"),
        _l("%(actor)s menyimpan kompetensi %(target)s dalam kamus kompetensi."),
        "admin",
    ),
    "competencies.standard_saved": Action(
        _l("Standar kompetensi disimpan"),
        _l("%(actor)s menyimpan standar kompetensi jabatan %(detail)s."),
        "admin",
    ),
    "competencies.assessed": Action(
        _l("Kompetensi dinilai"), _l("%(actor)s menilai kompetensi %(target)s.")
    ),
    "competencies.profile_read": Action(
        _l("Profil kompetensi dibuka"), _l("%(actor)s membuka profil kompetensi %(target)s.")
    ),
    "competencies.team_read": Action(
        _l("Kompetensi tim dibuka"),
        _l("%(actor)s membuka halaman Kompetensi tim."),
        "leader",
    ),
    "competencies.workshop_declared": Action(
        _l("Kompetensi pelatihan ditetapkan"),
        _l("%(actor)s menetapkan kompetensi yang dikembangkan pelatihan %(target)s."),
        "organizer",
    ),
}

ROLE_PHRASES = {
    "admin": _l("Admin %(name)s"),
    "organizer": _l("Penyelenggara %(name)s"),
    "leader": _l("Pimpinan %(name)s"),
}
# An entry whose code is not listed above (an older code, a newer one), with or without a target.
UNLISTED_ON_TARGET = _l("%(actor)s melakukan tindakan yang tidak tercantum pada %(target)s.")
UNLISTED = _l("%(actor)s melakukan tindakan yang tidak tercantum.")
# A listed code whose sentence cannot be filled (its target is gone, say).
LISTED_SHORT = _l("%(actor)s: %(action)s.")


# --- the targets' names: one query per kind -------------------------------------------------
def _table(name: str):
    return db.metadata.tables[name]


def _session_text(title: str, starts_at) -> str:
    return f"{title} ({format_wib_date(starts_at)})"


def _named(table: str, column: str):
    def stmt(ids) -> Select:
        t = _table(table)
        return select(t.c.id, t.c[column]).where(t.c.id.in_(ids))

    return stmt, lambda row: {"target": row[1]}


def _sessions(ids) -> Select:
    s, w = _table("workshop_session"), _table("workshop")
    return (
        select(s.c.id, w.c.title, s.c.starts_at)
        .select_from(s)
        .join(w, w.c.id == s.c.workshop_id)
        .where(s.c.id.in_(ids))
    )


def _person_at_session(table: str):
    """A registration or a check-in request: the person, and the session they came to."""

    def stmt(ids) -> Select:
        r, s, w, e = (_table(n) for n in (table, "workshop_session", "workshop", "employee"))
        return (
            select(r.c.id, e.c.name, w.c.title, s.c.starts_at)
            .select_from(r)
            .join(s, s.c.id == r.c.session_id)
            .join(w, w.c.id == s.c.workshop_id)
            .join(e, e.c.id == r.c.employee_id)
            .where(r.c.id.in_(ids))
        )

    return stmt, lambda row: {"target": row[1], "session": _session_text(row[2], row[3])}


def _external(ids) -> Select:
    x, e = _table("external_learning"), _table("employee")
    return (
        select(x.c.id, x.c.title, e.c.name)
        .select_from(x)
        .join(e, e.c.id == x.c.employee_id)
        .where(x.c.id.in_(ids))
    )


def _feedback(ids) -> Select:
    f, e = _table("feedback"), _table("employee")
    return (
        select(f.c.id, e.c.name)
        .select_from(f)
        .join(e, e.c.id == f.c.receiver_id)
        .where(f.c.id.in_(ids))
    )


def _survey_actions(ids) -> Select:
    a, u = _table("survey_action"), _table("unit")
    return (
        select(a.c.id, a.c.what, u.c.name)
        .select_from(a)
        .join(u, u.c.id == a.c.unit_id)
        .where(a.c.id.in_(ids))
    )


def _action_plans(ids) -> Select:
    p, u, w = _table("survey_action_plan"), _table("unit"), _table("survey_wave")
    return (
        select(p.c.id, u.c.name, w.c.title)
        .select_from(p)
        .join(u, u.c.id == p.c.unit_id)
        .join(w, w.c.id == p.c.wave_id)
        .where(p.c.id.in_(ids))
    )


# target_type (the table name audit() stores) -> (statement for the ids, row -> its facts)
TARGETS = {
    "employee": _named("employee", "name"),
    "unit": _named("unit", "name"),
    "workshop": _named("workshop", "title"),
    "workshop_topic": _named("workshop_topic", "name"),
    "workshop_session": (_sessions, lambda row: {"target": _session_text(row[1], row[2])}),
    "workshop_registration": _person_at_session("workshop_registration"),
    "workshop_checkin_request": _person_at_session("workshop_checkin_request"),
    "external_learning": (_external, lambda row: {"target": row[1], "person": row[2]}),
    "feedback": (_feedback, lambda row: {"target": row[1]}),
    "upward_round": _named("upward_round", "title"),
    "survey_instrument": _named("survey_instrument", "name"),
    "survey_wave": _named("survey_wave", "title"),
    "survey_action": (_survey_actions, lambda row: {"target": row[1], "unit": row[2]}),
    "survey_action_plan": (_action_plans, lambda row: {"target": row[1], "wave": row[2]}),
    "competency": _named("competency", "name"),
}
# Targets an admin can open from the log.
LINKS = {
    "employee": lambda pk: url_for("admin.employee_edit", employee_id=pk),
    "unit": lambda pk: url_for("admin.unit_edit", unit_id=pk),
}


def target_facts(entries: list[AuditEntry]) -> dict[tuple[str, int], dict[str, str]]:
    """(target_type, target_id) -> the names its sentence needs; one query per target kind."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_type in TARGETS and entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    facts: dict[tuple[str, int], dict[str, str]] = {}
    for kind, ids in sorted(wanted.items()):
        if kind in db.metadata.tables:
            stmt, facts_of = TARGETS[kind]
            for row in db.session.execute(stmt(sorted(ids))):
                facts[(kind, row[0])] = facts_of(row)
    return facts


# --- sentences -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    text: str  # the sentence
    html: Markup  # the same, with the people and units an admin can open linked
    listed: bool  # the code is in ACTIONS


def action_label(code: str) -> str:
    action = ACTIONS.get(code)
    return str(action.label) if action else _("Tindakan lain (%(code)s)", code=code)


def action_choices(codes: list[str]) -> list[tuple[str, str]]:
    """The filter's options: each code in the log, by its label."""
    return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1].lower())


def _link(url: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, text)


def _actor(entry: AuditEntry, action: Action | None) -> tuple[str, Markup | str]:
    """The actor as the sentence names them: "Penyelenggara Budi" when the action needs that
    role, else the name alone; "Sistem" when no one was signed in (a command, a closing date)."""
    person = entry.actor
    if person is None:
        return _("Sistem"), _("Sistem")
    linked = _link(LINKS["employee"](person.id), person.name)
    phrase = ROLE_PHRASES.get(action.role) if action and action.role else None
    if phrase is not None:
        try:
            return str(phrase) % {"name": person.name}, escape(str(phrase)) % {"name": linked}
        except (KeyError, TypeError, ValueError):  # a translation that cannot be filled
            pass
    return person.name, linked


def _fields(entry: AuditEntry, facts: dict) -> dict[str, str]:
    fields = {"detail": entry.detail or ""}
    if entry.target_type is not None:
        found = facts.get((entry.target_type, entry.target_id))
        if found:
            fields.update(found)
        elif entry.target_type in TARGETS:
            fields["target"] = f"#{entry.target_id}"  # the sentence names its kind
        else:
            fields["target"] = _("catatan #%(id)s", id=entry.target_id)
    return fields


def _templates(entry: AuditEntry, action: Action | None) -> list:
    if action is not None:
        return [action.sentence, LISTED_SHORT]
    return [UNLISTED_ON_TARGET, UNLISTED] if entry.target_type else [UNLISTED]


def present(entry: AuditEntry, facts: dict) -> AuditLine:
    """One entry as a sentence (never fails: a sentence that cannot be filled falls back)."""
    action = ACTIONS.get(entry.action)
    actor_text, actor_html = _actor(entry, action)
    plain = {**_fields(entry, facts), "actor": actor_text, "action": action_label(entry.action)}
    html = {**plain, "actor": actor_html}
    link = LINKS.get(entry.target_type)
    if link and (entry.target_type, entry.target_id) in facts:
        html["target"] = _link(link(entry.target_id), plain["target"])
    for template in _templates(entry, action):
        try:
            text = str(template) % plain
            return AuditLine(entry, text, escape(str(template)) % html, action is not None)
        except (KeyError, TypeError, ValueError):
            continue
    text = f"{actor_text}: {plain['action']}."  # a translation that cannot be filled
    return AuditLine(entry, text, escape(text), action is not None)


def lines(entries: list[AuditEntry]) -> list[AuditLine]:
    facts = target_facts(entries)
    return [present(entry, facts) for entry in entries]
