"""kept demand: demand_tag_day and demand_workshop_day, per WIB day the competency tags and the
recommended workshops of sent feedback, kept on write (blueprints/dashboard/demand.py) for the
organizer dashboard, and filled here from the feedback already there

Revision ID: 0014_kept_demand
Revises: 0013_pppk_contract_start
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_kept_demand"
down_revision = "0013_pppk_contract_start"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "demand_tag_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "code", name=op.f("pk_demand_tag_day")),
    )
    op.create_table(
        "demand_workshop_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_demand_workshop_day_workshop_id_workshop"),
        ),
        sa.PrimaryKeyConstraint("day", "workshop_id", name=op.f("pk_demand_workshop_day")),
    )
    # The same computation that keeps the counts fills them (one grouped query per table).
    from blueprints.dashboard.demand import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table("demand_workshop_day")
    op.drop_table("demand_tag_day")
