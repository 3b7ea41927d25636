"""Certificates: who may download one, issuing it once per attendance, its verification
code, and the PDF."""

from __future__ import annotations

import secrets
from datetime import date

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from blueprints.common.timefmt import to_wib, today_wib
from blueprints.workshops.access import manages_sessions_of
from blueprints.workshops.documents import (
    NumberingError,
    format_number,
    rank_label,
    text_setting,
    workshop_signatory,
)
from blueprints.workshops.models import (
    Certificate,
    CertificateCounter,
    Registration,
    WorkshopSession,
)
from blueprints.workshops.rules import certificate_allowed
from extensions import db


def get_certificate_registration_or_404(registration_id: int, user) -> Registration:
    """The attendee themself, or a manager of the session (access.manages_sessions_of)."""
    registration = db.session.scalars(
        select(Registration)
        .where(Registration.id == registration_id)
        .options(
            joinedload(Registration.session).joinedload(WorkshopSession.workshop),
            joinedload(Registration.employee),
        )
    ).first()
    if registration is None:
        abort(404)
    if registration.employee_id != user.id and not manages_sessions_of(
        user, registration.session.workshop
    ):
        abort(404)
    if not certificate_allowed(registration):
        abort(404)
    return registration


def issue_certificate(registration: Registration, today: date | None = None) -> Certificate:
    """Issued once per attendance; later downloads reuse the same certificate. ``today``: the
    WIB date of issue, which picks the year's sequence (default: today).

    The number comes from the year's counter row, incremented by one UPDATE in the issuing
    transaction (the row lock on PostgreSQL, the database write lock on SQLite, so that
    concurrent issuers queue there: call this before any other write of the transaction). A
    concurrent first download of the same attendance rolls back to the savepoint, counter
    included, so numbers stay gapless. A number already on another certificate (a counter out of
    step with the certificates) is refused with NumberingError, which the view answers."""
    existing = _certificate_of(registration.id)
    if existing is not None:
        return existing
    session = registration.session
    employee = registration.employee
    issued_on = today or today_wib()
    signatory = workshop_signatory(session.workshop)
    number = None
    try:
        with db.session.begin_nested():
            seq = _next_number(issued_on.year)
            number = format_number(seq, issued_on.year)
            certificate = Certificate(
                registration_id=registration.id,
                code=secrets.token_urlsafe(18),
                number=number,
                number_year=issued_on.year,
                number_seq=seq,
                holder_name=employee.name,
                holder_nip=employee.nip,
                holder_rank=rank_label(employee.golongan),
                holder_position=employee.jabatan or "",
                workshop_title=session.workshop.title,
                session_date=to_wib(session.starts_at).date(),
                session_end_date=to_wib(session.ends_at).date(),
                jp=session.jp_credited,
                issued_place=text_setting("issue_place"),
                issued_on=issued_on,
                signatory_name=signatory.name,
                signatory_nip=signatory.nip,
                signatory_rank=signatory.rank,
                signatory_title=signatory.title,
            )
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError as error:
        existing = _certificate_of(registration.id)
        if existing is not None:  # a concurrent download issued it first
            return existing
        # Not this attendance's certificate: the number (or the year's sequence number) is on
        # another one. Refused, and the savepoint rolled back the counter too.
        current_app.logger.error(
            "certificate number %s of registration %s taken: %s",
            number,
            registration.id,
            getattr(error, "orig", error),
        )
        raise NumberingError(
            _l(
                "Sertifikat belum dapat diterbitkan: nomor %(number)s sudah dipakai sertifikat "
                "lain. Minta admin memeriksa pola nomor di Pengaturan dokumen.",
                number=number or "",
            )
        ) from None
    return certificate


def _certificate_of(registration_id: int) -> Certificate | None:
    return db.session.scalars(
        select(Certificate).where(Certificate.registration_id == registration_id)
    ).first()


def _next_number(year: int) -> int:
    """The year's next sequence number, the counter row locked until the transaction ends."""
    bump = (
        update(CertificateCounter)
        .where(CertificateCounter.year == year)
        .values(last=CertificateCounter.last + 1)
        .returning(CertificateCounter.last)
    )
    seq = db.session.execute(bump).scalar()
    if seq is None:  # the year's first certificate: create the row (a racer may do it too)
        try:
            with db.session.begin_nested():
                db.session.add(CertificateCounter(year=year, last=0))
        except IntegrityError:
            pass
        seq = db.session.execute(bump).scalar_one()
    return seq


def verify_certificate(code: str) -> Certificate | None:
    """Valid while the attendance it certifies stands."""
    if not code or len(code) > 64:
        return None
    return db.session.scalars(
        select(Certificate)
        .join(Certificate.registration)
        .where(
            Certificate.code == code,
            Registration.status == "confirmed",
            Registration.attended.is_(True),
        )
    ).first()
