"""Builders for workshop tests. Each returns committed model objects."""

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from werkzeug.security import generate_password_hash

from blueprints.auth.models import Employee
from blueprints.common.timefmt import utcnow
from blueprints.workshops.models import (
    ExternalLearning,
    Registration,
    Topic,
    Workshop,
    WorkshopSession,
)
from blueprints.workshops.rules import default_jp
from extensions import db
from tests import factories

_SEQ = itertools.count(1)
# One cheap hash for bulk accounts (concurrency tests log in 40 people over HTTP).
FAST_PASSWORD = "cepat-uji-123"
_FAST_HASH = generate_password_hash(FAST_PASSWORD, method="pbkdf2:sha256:1")


def topic(name: str, active: bool = True) -> Topic:
    row = Topic(name=name, active=active)
    db.session.add(row)
    db.session.commit()
    return row


def workshop(
    organizer: Employee | None = None,
    title: str | None = None,
    *,
    topics=(),
    requires_approval: bool = False,
    competency_type: str = "teknis",
    description: str = "",
    **fields,
) -> Workshop:
    row = Workshop(
        title=title or f"Pelatihan Uji {next(_SEQ)}",
        description=description,
        competency_type=competency_type,
        learning_form=fields.pop("learning_form", "klasikal"),
        learning_kind=fields.pop("learning_kind", "pelatihan"),
        requires_approval=requires_approval,
        created_by_id=organizer.id if organizer else None,
        **fields,
    )
    row.topics = list(topics)
    row.organizers = [organizer] if organizer else []
    db.session.add(row)
    db.session.commit()
    return row


def session(
    workshop_: Workshop,
    *,
    starts_at: datetime | None = None,
    hours: float = 3,
    capacity: int = 10,
    status: str = "published",
    jp: int | None = None,
    **fields,
) -> WorkshopSession:
    starts_at = starts_at or (utcnow() + timedelta(days=7)).replace(microsecond=0)
    ends_at = starts_at + timedelta(hours=hours)
    row = WorkshopSession(
        workshop_id=workshop_.id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=fields.pop("venue", "Aula Kantor Camat"),
        capacity=capacity,
        jp_credited=default_jp(starts_at, ends_at) if jp is None else jp,
        status=status,
        queue_seq=0,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def registration(
    session_: WorkshopSession,
    person: Employee,
    status: str = "confirmed",
    *,
    attended: bool = False,
    **fields,
) -> Registration:
    position = None
    if status in ("confirmed", "waitlisted", "cancelled"):
        session_.queue_seq += 1
        position = session_.queue_seq
    row = Registration(
        session_id=session_.id,
        employee_id=person.id,
        status=status,
        position=position,
        attended=attended,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def external(
    person: Employee,
    *,
    jp: int = 4,
    status: str = "verified",
    learned_on: date | None = None,
    title: str = "E-learning Pelayanan Prima",
    evidence_file: str = "tidak-ada.pdf",
    **fields,
) -> ExternalLearning:
    row = ExternalLearning(
        employee_id=person.id,
        title=title,
        provider="LAN RI",
        learning_form="nonklasikal",
        learning_kind="e_learning",
        learned_on=learned_on or date.today(),
        jp=jp,
        evidence_file=evidence_file,
        evidence_name="bukti.pdf",
        evidence_type="application/pdf",
        evidence_size=10,
        status=status,
        review_reason=fields.pop("review_reason", "tidak sah" if status == "rejected" else ""),
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row


def many_staff(unit, count: int, prefix: str = "Peserta") -> list[Employee]:
    """`count` staff in `unit` with a cheap password hash (FAST_PASSWORD)."""
    people = []
    for i in range(count):
        n = 50_000 + next(_SEQ)
        person = Employee(
            nip=factories.nip_for(n),
            name=f"{prefix} {i + 1:02d}",
            email=f"massal{n}@uji.local",
            unit_id=unit.id,
            jabatan="Pelaksana",
            jenis_jabatan="pelaksana",
            employment_type="PNS",
            password_hash=_FAST_HASH,
        )
        db.session.add(person)
        people.append(person)
    db.session.commit()
    return people


def fast_logins() -> None:
    """Give every account the test password with a cheap hash: logins in these tests are many."""
    cheap = generate_password_hash(factories.PASSWORD, method="pbkdf2:sha256:1")
    db.session.execute(update(Employee).values(password_hash=cheap))
    db.session.commit()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
