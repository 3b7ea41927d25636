"""What other blueprints (and scripts and tests) use of workshops, under one name; kept stable.

  jp_for_year(employee, year) -> int              (JP of the person's period labelled year)
  jp_by_employee(employee_ids, year=None, today=None) -> dict[employee_id, int]
                                                    (year None: each person's "this year")
  jp_sources(employee_ids, year=None, today=None) -> subquery of (employee_id, jp)
  current_period(employee, today=None), period_of(employee, label) -> jp_period.Period
  period_label(employee, day) -> label of the person's JP period that contains day
  label_now_expr(today=None) -> SQL label of each person's "this year" (Employee in the query)
  jp_target(employee) -> JpTarget
  ledger(employee, year) -> Ledger
  pending_approvals_for(leader) -> list[Registration]   (and templates/workshops/_approvals.html)
  upcoming_sessions_for(employee, limit) -> list[Registration]
  managed_sessions(user, ...) -> rows for an organizer's sessions
  default_jp, when_text, approval_link, EVALUATION_MIN_GROUP, issue_certificate, calendar_token,
  evidence_dir, evidence_path
  personal_history_files(employee) -> [(file name, XLSX bytes)] of the SIASN history per year

Each name is defined in the module that owns it; this module only gathers them.
"""

from blueprints.workshops.calendar import calendar_token
from blueprints.workshops.catalogue import managed_sessions
from blueprints.workshops.certificates import issue_certificate
from blueprints.workshops.evidence import evidence_dir, evidence_path
from blueprints.workshops.history import personal_history_files
from blueprints.workshops.jp_period import current_period, label_now_expr, period_label, period_of
from blueprints.workshops.ledger import jp_by_employee, jp_for_year, jp_sources, jp_target, ledger
from blueprints.workshops.registration import pending_approvals_for, upcoming_sessions_for
from blueprints.workshops.rules import EVALUATION_MIN_GROUP, approval_link, default_jp, when_text

__all__ = [
    "EVALUATION_MIN_GROUP",
    "approval_link",
    "calendar_token",
    "current_period",
    "default_jp",
    "evidence_dir",
    "evidence_path",
    "issue_certificate",
    "jp_by_employee",
    "jp_for_year",
    "jp_sources",
    "jp_target",
    "label_now_expr",
    "ledger",
    "managed_sessions",
    "period_label",
    "period_of",
    "pending_approvals_for",
    "personal_history_files",
    "upcoming_sessions_for",
    "when_text",
]
