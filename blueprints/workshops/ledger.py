"""The JP ledger: JP per person and JP period (a calendar year, or a PPPK's contract year: the
rule is jp_period.py), the yearly target, and external learning records (created with evidence,
verified or rejected by organizers)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date

from flask import abort, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select, union_all
from sqlalchemy.orm import contains_eager, joinedload

from blueprints.admin.audit import audit
from blueprints.admin.settings import get_setting
from blueprints.auth.models import Employee
from blueprints.common.refusals import Refused
from blueprints.common.timefmt import utcnow
from blueprints.notifications.services import notify
from blueprints.workshops import jp_period
from blueprints.workshops.access import is_organizer
from blueprints.workshops.evidence import evidence_dir, read_evidence
from blueprints.workshops.models import Certificate, ExternalLearning, Registration, WorkshopSession
from extensions import db


# --- JP ledger ------------------------------------------------------------------------------
@dataclass(frozen=True)
class JpTarget:
    """kind 'min': at least `value` JP a year (PNS); kind 'max': at most `value` (PPPK)."""

    kind: str
    value: int


def jp_target(employee: Employee) -> JpTarget:
    if employee.employment_type == "PPPK":
        return JpTarget("max", get_setting("jp_max_pppk"))
    return JpTarget("min", get_setting("jp_target_pns"))


def jp_sources(employee_ids, year: int | None = None, today: date | None = None):
    """UNION ALL of (employee_id, jp): attended sessions (not cancelled) that started in the
    person's JP period and verified external records dated in it. `year`: the period with that
    label; None: each person's period that contains `today` (jp_period.py: the rule)."""
    span = jp_period.periods(year, today)
    attended = (
        select(
            Registration.employee_id.label("employee_id"), WorkshopSession.jp_credited.label("jp")
        )
        .join(WorkshopSession, WorkshopSession.id == Registration.session_id)
        .join(Employee, Employee.id == Registration.employee_id)
        .join(span.table, span.of_employee())
        .where(
            Registration.employee_id.in_(employee_ids),
            Registration.status == "confirmed",
            Registration.attended.is_(True),
            WorkshopSession.status != "cancelled",
            span.holds_instant(WorkshopSession.starts_at),
        )
    )
    external = (
        select(ExternalLearning.employee_id.label("employee_id"), ExternalLearning.jp.label("jp"))
        .join(Employee, Employee.id == ExternalLearning.employee_id)
        .join(span.table, span.of_employee())
        .where(
            ExternalLearning.employee_id.in_(employee_ids),
            ExternalLearning.status == "verified",
            span.holds_day(ExternalLearning.learned_on),
        )
    )
    return union_all(attended, external).subquery()


def jp_by_employee(employee_ids, year: int | None = None, today: date | None = None):
    """JP per employee in their JP period labelled `year` (None: their "this year"), in one SQL
    query, whatever the mix of PNS and PPPK.

    employee_ids: a SELECT of employee ids (e.g. a leader's scope) or a list of ids.
    Employees with no JP are absent from the result: use .get(id, 0).
    """
    if isinstance(employee_ids, Select) and len(employee_ids.selected_columns) != 1:
        employee_ids = employee_ids.with_only_columns(Employee.id)
    sources = jp_sources(employee_ids, year, today)
    rows = db.session.execute(
        select(sources.c.employee_id, func.sum(sources.c.jp)).group_by(sources.c.employee_id)
    )
    return {int(emp): int(total or 0) for emp, total in rows}


def jp_for_year(employee: Employee, year: int) -> int:
    """JP one person earned in their JP period labelled `year`."""
    return jp_by_employee([employee.id], year).get(employee.id, 0)


@dataclass
class Ledger:
    employee: Employee
    year: int
    period: jp_period.Period
    sessions: list[Registration]
    external: list[ExternalLearning]
    total: int
    target: JpTarget
    certificates: dict[int, str]

    @property
    def sessions_jp(self) -> int:
        return sum(r.session.jp_credited for r in self.sessions)

    @property
    def external_jp(self) -> int:
        return sum(r.jp for r in self.external if r.status == "verified")

    @property
    def progress(self) -> float:
        return min(1.0, self.total / self.target.value) if self.target.value else 1.0

    @property
    def met(self) -> bool:
        if self.target.kind == "min":
            return self.total >= self.target.value
        return self.total <= self.target.value


def ledger(employee: Employee, year: int) -> Ledger:
    """The person's JP period labelled `year`: what counted and what did not (records still
    pending or rejected are listed too)."""
    span = jp_period.period_of(employee, year)
    sessions = list(
        db.session.scalars(
            select(Registration)
            .join(Registration.session)
            .where(
                Registration.employee_id == employee.id,
                Registration.status == "confirmed",
                Registration.attended.is_(True),
                WorkshopSession.status != "cancelled",
                WorkshopSession.starts_at >= span.start_at,
                WorkshopSession.starts_at < span.end_at,
            )
            .options(contains_eager(Registration.session).joinedload(WorkshopSession.workshop))
            .order_by(WorkshopSession.starts_at)
        )
    )
    external = list(
        db.session.scalars(
            select(ExternalLearning)
            .where(
                ExternalLearning.employee_id == employee.id,
                ExternalLearning.learned_on >= span.first,
                ExternalLearning.learned_on < span.end,
            )
            .order_by(ExternalLearning.learned_on, ExternalLearning.id)
        )
    )
    certificates = dict(
        db.session.execute(
            select(Certificate.registration_id, Certificate.code).where(
                Certificate.registration_id.in_([r.id for r in sessions] or [0])
            )
        ).all()
    )
    return Ledger(
        employee,
        year,
        span,
        sessions,
        external,
        jp_for_year(employee, year),
        jp_target(employee),
        certificates,
    )


def create_external(employee: Employee, data: dict, storage) -> ExternalLearning:
    content, mime, ext = read_evidence(storage)
    name = f"{secrets.token_hex(16)}.{ext}"
    path = os.path.join(evidence_dir(), name)
    with open(path, "xb") as fh:
        fh.write(content)
    original = os.path.basename((storage.filename or "bukti").replace("\\", "/"))[:200]
    record = ExternalLearning(
        employee_id=employee.id,
        evidence_file=name,
        evidence_name=original or f"bukti.{ext}",
        evidence_type=mime,
        evidence_size=len(content),
        status="pending",
        **data,
    )
    db.session.add(record)
    return record


def pending_external_count() -> int:
    return int(
        db.session.scalar(
            select(func.count(ExternalLearning.id)).where(ExternalLearning.status == "pending")
        )
        or 0
    )


def pending_external(limit: int = 100) -> list[ExternalLearning]:
    return list(
        db.session.scalars(
            select(ExternalLearning)
            .where(ExternalLearning.status == "pending")
            .options(joinedload(ExternalLearning.employee).joinedload(Employee.unit))
            .order_by(ExternalLearning.created_at, ExternalLearning.id)
            .limit(limit)
        )
    )


def review_external(record_id: int, by, verify: bool, reason: str = "") -> ExternalLearning:
    if not is_organizer(by):
        abort(403)
    record = db.session.get(ExternalLearning, record_id)
    if record is None:
        abort(404)
    if record.employee_id == by.id:
        raise Refused(_("Catatan Anda sendiri diverifikasi oleh penyelenggara lain."))
    if record.status != "pending":
        raise Refused(_("Catatan ini sudah diperiksa."))
    reason = (reason or "").strip()
    if not verify and not reason:
        raise Refused(_("Tuliskan alasan penolakan."))
    record.status = "verified" if verify else "rejected"
    record.review_reason = reason
    record.reviewed_by_id = by.id
    record.reviewed_at = utcnow()
    link = url_for("workshops.ledger")
    if verify:
        notify(
            record.employee,
            "workshops.external_verified",
            link=link,
            title=record.title,
            jp=record.jp,
        )
    else:
        notify(
            record.employee,
            "workshops.external_rejected",
            link=link,
            title=record.title,
            reason=reason,
        )
    audit(f"workshops.external_{record.status}", record, reason, actor=by)
    return record
