"""The dashboard's own tables: notices already sent, and the kept demand counts (demand.py)."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from blueprints.common.timefmt import utcnow
from extensions import db


class DeliveredNotice(db.Model):
    """One automatic notice for one object (a survey wave's reminder, an upward round's opening).

    Per object, never per person: a list of who was reminded of a survey would be a list of who
    had not answered it (product.md §3.3, anonymity rule 5).
    """

    __tablename__ = "dashboard_notice"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int] = mapped_column(Integer)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DemandTagDay(db.Model):
    """Kept count (dashboard.demand): feedback sent on one WIB day tagged with one competency."""

    __tablename__ = "demand_tag_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class DemandWorkshopDay(db.Model):
    """Kept count (dashboard.demand): feedback sent on one WIB day recommending one workshop."""

    __tablename__ = "demand_workshop_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
