"""The organisation and its people: units as a tree, employees (accounts) and their roles."""

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db


class Unit(db.Model):
    """A unit of the organisation. `path` is the materialised path ('/1/4/9/') of ids from the
    root, so that a subtree is one indexed prefix query on SQLite and PostgreSQL alike."""

    __tablename__ = "unit"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('kecamatan','sekretariat','subbagian','seksi','kelurahan',"
            "'puskesmas','lingkungan','lainnya')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="lainnya")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("employee.id", use_alter=True, name="fk_unit_head_id_employee"), index=True
    )
    path: Mapped[str] = mapped_column(String(500), default="/", index=True)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    head: Mapped["Employee | None"] = relationship(foreign_keys=[head_id], post_update=True)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class Employee(UserMixin, db.Model):
    """An ASN and their account. Never deleted: deactivated, so that history keeps its people."""

    __tablename__ = "employee"
    __table_args__ = (
        CheckConstraint("employment_type IN ('PNS','PPPK')", name="employment_type"),
        CheckConstraint(
            "jenis_jabatan IN ('jpt','administrator','pengawas','fungsional','pelaksana')",
            name="jenis_jabatan",
        ),
        CheckConstraint("locale IN ('id','en')", name="locale"),
        CheckConstraint("length(nip) = 18", name="nip_length"),
        CheckConstraint("superior_id IS NULL OR superior_id <> id", name="not_own_superior"),
        # Only a PPPK has a work contract (PP 49/2018): its start sets their JP year
        # (blueprints/workshops/jp_period.py).
        CheckConstraint(
            "contract_start IS NULL OR employment_type = 'PPPK'", name="contract_start_pppk"
        ),
        # Lists of people by name (the team view): PostgreSQL reads the first page in index
        # order instead of sorting everyone in scope (51 → 2 ms for 50,000 people).
        Index("ix_employee_name", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    jabatan: Mapped[str] = mapped_column(String(200), default="")
    jenis_jabatan: Mapped[str] = mapped_column(String(20), default="pelaksana")
    golongan: Mapped[str | None] = mapped_column(String(10))
    employment_type: Mapped[str] = mapped_column(String(4), default="PNS")
    # Start of the PPPK work contract ("awal kontrak"); None for a PNS, or a PPPK not yet known.
    contract_start: Mapped[date | None] = mapped_column(Date)
    superior_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on logout and password change: every session signed with the old value ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str] = mapped_column(String(2), default="id")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    superior: Mapped["Employee | None"] = relationship(remote_side=[id], foreign_keys=[superior_id])
    role_rows: Mapped[list["EmployeeRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    # --- account -------------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    # --- roles ---------------------------------------------------------------------------
    @property
    def stored_roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    @property
    def first_name(self) -> str:
        return self.name.split(",")[0].split(" ")[0]

    def __repr__(self) -> str:
        return f"<Employee {self.nip}>"


class EmployeeRole(db.Model):
    __tablename__ = "employee_role"
    __table_args__ = (
        UniqueConstraint("employee_id", "role"),
        CheckConstraint("role IN ('admin','organizer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
