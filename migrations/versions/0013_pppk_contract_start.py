"""pppk contract start: employee.contract_start, the start of a PPPK's work contract, from which
their JP year runs (blueprints/workshops/jp_period.py); only a PPPK may have one (CHECK)

Revision ID: 0013_pppk_contract_start
Revises: 0012_competency_current_index
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_pppk_contract_start"
down_revision = "0012_competency_current_index"
branch_labels = None
depends_on = None

CHECK = "contract_start IS NULL OR employment_type = 'PPPK'"
CHECK_NAME = "ck_employee_contract_start_pppk"


def upgrade():
    # A plain ADD COLUMN with the CHECK inline, on SQLite too: batch mode would copy, drop and
    # rename `employee`, which foreign keys from almost every table forbid once there are rows
    # (the app turns PRAGMA foreign_keys on). SQLite and PostgreSQL both accept the inline CHECK.
    op.add_column(
        "employee",
        sa.Column("contract_start", sa.Date(), sa.CheckConstraint(CHECK, name=op.f(CHECK_NAME))),
    )
    # The kept figures of everyone again, now that their JP year may depend on this column:
    # 0011 filled them before the column existed (the computation now reads it).
    from blueprints.feedback import figures

    figures.rebuild(op.get_bind())


def downgrade():
    # Both drop the CHECK with the column (SQLite 3.35+: a CHECK attached to that column).
    op.drop_column("employee", "contract_start")
