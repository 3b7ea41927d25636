""" "My data" (UU 27/2022 on personal data protection): everything the system holds about one
person, as a ZIP of JSON and CSV.

Included: the account and its roles, the JP ledger, registrations (with whether the person
evaluated a session — evaluations themselves name nobody, so their text cannot be attributed),
external learning records, certificates, feedback received and given (with follow-ups and
addenda), requests, the development plan, self-reflections, notifications and audit entries by
or about the person, and which surveys and upward-feedback rounds they took part in.

Never included: survey answers and upward-feedback answers. They are stored without any link to
a person (product.md §3.3), so nothing here can — or tries to — find them.

Field names are stable identifiers (Indonesian, snake_case) so that the files stay
machine-readable whatever the interface language; README.txt explains them.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from blueprints.admin.models import AuditEntry
from blueprints.auth.access import direct_superior, led_units, roles_of
from blueprints.auth.models import Employee
from blueprints.common.exports import Nip, csv_bytes
from blueprints.common.timefmt import as_utc, to_wib
from blueprints.feedback.models import (
    DevelopmentGoal,
    Feedback,
    FeedbackRequest,
    SelfReflection,
    UpwardParticipation,
    UpwardRound,
)
from blueprints.notifications.models import Notification
from blueprints.notifications.services import render_text
from blueprints.surveys.models import SurveyParticipation, SurveyWave
from blueprints.workshops import api as workshop_services
from blueprints.workshops.models import Certificate, ExternalLearning, Registration, WorkshopSession
from extensions import db


def _json(value):
    """What JSON cannot hold as it is: times in WIB (ISO 8601 with offset), dates as ISO dates."""
    if isinstance(value, datetime):
        return to_wib(as_utc(value)).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _row(**fields) -> dict:
    """One row with its values typed (dates, times, NIP, numbers): the CSV is written by
    common/exports.py like every other export, the JSON by _json."""
    return fields


def _profile(user: Employee) -> dict:
    superior = direct_superior(user)
    return _row(
        id=user.id,
        nip=Nip(user.nip),
        nama=user.name,
        email=user.email,
        unit=user.unit.name,
        kode_unit=user.unit.code,
        jabatan=user.jabatan,
        jenis_jabatan=user.jenis_jabatan,
        golongan=user.golongan or "",
        status_kepegawaian=user.employment_type,
        awal_kontrak=user.contract_start,
        atasan_langsung=superior.name if superior else "",
        aktif=user.active,
        bahasa=user.locale,
        peran=", ".join(roles_of(user)),
        memimpin_unit=", ".join(unit.name for unit in led_units(user)),
        akun_dibuat=user.created_at,
    )


def _jp(user: Employee, registrations: list[Registration], external: list[ExternalLearning]):
    """One row per JP period with learning: a calendar year, or a PPPK's contract year (its
    label is the year it starts in; awal/akhir say which days it covers)."""
    label = workshop_services.period_label
    years = {label(user, to_wib(r.session.starts_at).date()) for r in registrations if r.attended}
    years |= {label(user, e.learned_on) for e in external if e.status == "verified"}
    target = workshop_services.jp_target(user)
    rows = []
    for year in sorted(years, reverse=True):
        span = workshop_services.period_of(user, year)
        rows.append(
            _row(
                tahun=year,
                awal=span.first,
                akhir=span.last,
                jp=workshop_services.jp_for_year(user, year),
                jenis_target="minimal" if target.kind == "min" else "maksimal",
                target=target.value,
            )
        )
    return rows


def _feedback_row(fb: Feedback, other: str) -> dict:
    return _row(
        id=fb.id,
        pihak_lain=other,
        status=fb.status,
        tanggal_kejadian=fb.occurred_on,
        situasi=fb.context,
        kekuatan=fb.strengths,
        area_perbaikan=fb.improvements,
        nilai_berakhlak=", ".join(fb.value_codes),
        kompetensi=", ".join(fb.competency_codes),
        pelatihan_direkomendasikan=", ".join(w.title for w in fb.workshops),
        dikirim=fb.sent_at,
        dibaca=fb.acknowledged_at,
        tanggapan=fb.response or "",
        ditanggapi=fb.responded_at,
        addendum=" | ".join(a.body for a in fb.addenda),
    )


def collect(user: Employee) -> dict[str, list[dict]]:
    """Every dataset, each a list of flat rows (the profile is a list of one)."""
    registrations = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.employee_id == user.id)
            .options(selectinload(Registration.session).selectinload(WorkshopSession.workshop))
            .order_by(Registration.created_at, Registration.id)
        )
    )
    external = list(
        db.session.scalars(
            select(ExternalLearning)
            .where(ExternalLearning.employee_id == user.id)
            .order_by(ExternalLearning.learned_on, ExternalLearning.id)
        )
    )
    certificates = list(
        db.session.scalars(
            select(Certificate)
            .join(Registration, Registration.id == Certificate.registration_id)
            .where(Registration.employee_id == user.id)
            .order_by(Certificate.issued_at, Certificate.id)
        )
    )
    feedback_options = (
        selectinload(Feedback.author),
        selectinload(Feedback.receiver),
        selectinload(Feedback.values),
        selectinload(Feedback.competencies),
        selectinload(Feedback.workshops),
        selectinload(Feedback.follow_ups),
        selectinload(Feedback.addenda),
    )
    received = list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.receiver_id == user.id, Feedback.status == "sent")
            .options(*feedback_options)
            .order_by(Feedback.sent_at, Feedback.id)
        )
    )
    given = list(
        db.session.scalars(
            select(Feedback)
            .where(Feedback.author_id == user.id)
            .options(*feedback_options)
            .order_by(Feedback.created_at, Feedback.id)
        )
    )
    requests = list(
        db.session.scalars(
            select(FeedbackRequest)
            .where(
                or_(FeedbackRequest.requester_id == user.id, FeedbackRequest.leader_id == user.id)
            )
            .options(selectinload(FeedbackRequest.requester), selectinload(FeedbackRequest.leader))
            .order_by(FeedbackRequest.created_at, FeedbackRequest.id)
        )
    )
    goals = list(
        db.session.scalars(
            select(DevelopmentGoal)
            .where(DevelopmentGoal.employee_id == user.id)
            .order_by(DevelopmentGoal.created_at, DevelopmentGoal.id)
        )
    )
    reflections = list(
        db.session.scalars(
            select(SelfReflection)
            .where(SelfReflection.employee_id == user.id)
            .order_by(SelfReflection.created_at, SelfReflection.id)
        )
    )
    notifications = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.created_at, Notification.id)
        )
    )
    audit_entries = list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    AuditEntry.actor_id == user.id,
                    and_(AuditEntry.target_type == "employee", AuditEntry.target_id == user.id),
                )
            )
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )
    surveys = db.session.execute(
        select(SurveyWave.title, SurveyWave.opens_on, SurveyWave.closes_on)
        .join(SurveyParticipation, SurveyParticipation.wave_id == SurveyWave.id)
        .where(SurveyParticipation.employee_id == user.id)
        .order_by(SurveyWave.opens_on, SurveyWave.id)
    ).all()
    rounds = db.session.execute(
        select(UpwardRound.title, UpwardRound.opens_on, UpwardRound.closes_on)
        .join(UpwardParticipation, UpwardParticipation.round_id == UpwardRound.id)
        .where(UpwardParticipation.employee_id == user.id)
        .order_by(UpwardRound.opens_on, UpwardRound.id)
    ).all()
    follow_ups = [
        _row(
            umpan_balik_id=fb.id,
            tindakan=item.description,
            jatuh_tempo=item.due_on,
            selesai=item.done_at,
            dikonfirmasi=item.confirmed_at,
        )
        for fb in received
        for item in fb.follow_ups
    ]
    return {
        "profil": [_profile(user)],
        "jp_per_tahun": _jp(user, registrations, external),
        "pendaftaran_pelatihan": [
            _row(
                id=r.id,
                pelatihan=r.session.workshop.title,
                mulai=r.session.starts_at,
                selesai=r.session.ends_at,
                jp_sesi=r.session.jp_credited,
                status=r.status,
                wajib=r.mandatory,
                walk_in=r.walk_in,
                hadir=r.attended,
                sudah_mengevaluasi=r.evaluated,
                alasan_keputusan=r.decision_reason,
                didaftarkan=r.created_at,
                status_berubah=r.status_changed_at,
            )
            for r in registrations
        ],
        "sertifikat": [
            _row(
                nomor=c.number or "",
                kode=c.code,
                nama_pemegang=c.holder_name,
                nip_pemegang=Nip(c.holder_nip) if c.holder_nip else "",
                pangkat_golongan=c.holder_rank,
                jabatan=c.holder_position,
                pelatihan=c.workshop_title,
                tanggal=c.session_date,
                tanggal_selesai=c.session_end_date,
                jp=c.jp,
                tempat_terbit=c.issued_place,
                tanggal_terbit=c.issued_on,
                terbit=c.issued_at,
            )
            for c in certificates
        ],
        "pembelajaran_eksternal": [
            _row(
                id=e.id,
                kegiatan=e.title,
                penyelenggara=e.provider,
                bentuk=e.learning_form,
                jenis=e.learning_kind,
                tanggal=e.learned_on,
                jp=e.jp,
                status=e.status,
                alasan_penolakan=e.review_reason,
                nama_berkas_bukti=e.evidence_name,
                dicatat=e.created_at,
                diperiksa=e.reviewed_at,
            )
            for e in external
        ],
        "umpan_balik_diterima": [_feedback_row(fb, fb.author.name) for fb in received],
        "umpan_balik_diberikan": [_feedback_row(fb, fb.receiver.name) for fb in given],
        "tindak_lanjut": follow_ups,
        "permintaan_umpan_balik": [
            _row(
                id=r.id,
                peran="peminta" if r.requester_id == user.id else "pimpinan_diminta",
                pihak_lain=r.leader.name if r.requester_id == user.id else r.requester.name,
                topik=r.topic,
                rincian=r.detail,
                status=r.status,
                alasan_penolakan=r.decline_reason,
                dibuat=r.created_at,
                ditutup=r.closed_at,
            )
            for r in requests
        ],
        "rencana_pengembangan": [
            _row(
                id=g.id,
                kompetensi=g.competency,
                sasaran=g.title,
                alasan=g.reason,
                umpan_balik_id=g.feedback_id or "",
                pelatihan_id=g.workshop_id or "",
                kegiatan_lain=g.external_activity,
                target=g.target_on,
                status=g.status,
                disepakati=g.agreed_at,
                ditutup=g.closed_at,
                dibuat=g.created_at,
            )
            for g in goals
        ],
        "refleksi_diri": [
            _row(
                id=r.id,
                yang_berjalan_baik=r.went_well,
                yang_sulit=r.was_hard,
                bantuan_yang_diharapkan=r.help_wanted,
                dibuat=r.created_at,
            )
            for r in reflections
        ],
        "notifikasi": [
            _row(
                teks=render_text(n.kind, n.params or {}),
                jenis=n.kind,
                tautan=n.link,
                dibuat=n.created_at,
                dibaca=n.read_at,
            )
            for n in notifications
        ],
        "jejak_audit": [
            _row(
                waktu=a.at,
                tindakan=a.action,
                oleh=a.actor.name if a.actor else "",
                oleh_saya=a.actor_id == user.id,
                tentang_saya=a.target_type == "employee" and a.target_id == user.id,
                rincian=a.detail,
                alamat_ip=a.ip if a.actor_id == user.id else "",
            )
            for a in audit_entries
        ],
        "partisipasi_survei": [
            _row(survei=title, dibuka=opens, ditutup=closes) for title, opens, closes in surveys
        ],
        "partisipasi_umpan_balik_ke_atas": [
            _row(putaran=title, dibuka=opens, ditutup=closes) for title, opens, closes in rounds
        ],
    }


def _csv(rows: list[dict]) -> bytes:
    """One dataset through the export helper (the interface language's separator and decimal
    mark, BOM, dd/mm/yyyy, NIP as text, formulas neutralised); an empty dataset is an empty
    file."""
    if not rows:
        return "\ufeff".encode()
    header = list(rows[0])
    return csv_bytes(header, ([row[key] for key in header] for row in rows))


def readme(user: Employee, datasets: dict[str, list[dict]]) -> str:
    lines = [
        _("Data pribadi Anda di Karier ASN Marelan"),
        _("Nama: %(name)s (NIP %(nip)s)", name=user.name, nip=user.nip),
        "",
        _(
            "Berkas ini berisi semua data yang disimpan sistem tentang Anda (UU 27/2022 tentang "
            "Pelindungan Data Pribadi): data-saya.json memuat semuanya, dan setiap kelompok data "
            "juga tersedia sebagai berkas CSV."
        ),
        _(
            "Jawaban survei dan jawaban umpan balik untuk atasan tidak termasuk: keduanya disimpan "
            "tanpa kaitan dengan siapa pun, sehingga tidak dapat dikenali sebagai milik Anda. Yang "
            "tercatat hanya bahwa Anda ikut serta."
        ),
        _(
            "Evaluasi sesi pelatihan juga tidak menyebut nama; yang tercatat hanya bahwa Anda sudah "
            "mengisinya."
        ),
        _(
            "Waktu dalam WIB (UTC+7): di data-saya.json berformat ISO 8601, di berkas CSV dd/mm/yyyy."
        ),
        _(
            "Berkas CSV mengikuti bahasa antarmuka: bahasa Indonesia memakai pemisah titik koma (;) "
            "dan koma desimal, bahasa Inggris memakai pemisah koma (,) dan titik desimal. NIP "
            "ditulis dengan spasi agar tetap berupa teks."
        ),
        _(
            "riwayat-diklat-siasn-TAHUN.xlsx: riwayat diklat/kursus per tahun dalam susunan untuk "
            "SIASN/MyASN (sesi yang dihadiri dan pembelajaran eksternal terverifikasi)."
        ),
        "",
    ]
    lines += [
        _("%(name)s.csv: %(count)d baris", name=name, count=len(rows))
        for name, rows in datasets.items()
    ]
    return "\n".join(str(line) for line in lines) + "\n"


def zip_bytes(user: Employee) -> bytes:
    datasets = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(user, datasets))
        archive.writestr(
            "data-saya.json", json.dumps(datasets, ensure_ascii=False, indent=2, default=_json)
        )
        for name, rows in datasets.items():
            archive.writestr(f"{name}.csv", _csv(rows))
        for name, body in workshop_services.personal_history_files(user):
            archive.writestr(name, body)
    return buffer.getvalue()
