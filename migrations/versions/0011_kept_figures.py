"""kept figures: person_figures, per employee the figures leaders' pages read (JP of the year,
sent feedback of the quarter, last feedback, open follow-ups), kept on write
(blueprints/feedback/figures.py) and filled here for the people already there

Revision ID: 0011_kept_figures
Revises: 0010_competencies
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_kept_figures"
down_revision = "0010_competencies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_figures",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("jp_year", sa.Integer(), nullable=False),
        sa.Column("jp", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        sa.Column("feedback_quarter", sa.Integer(), nullable=False),
        sa.Column("last_feedback_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("open_follow_ups", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_person_figures_employee_id_employee"),
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_person_figures")),
    )
    # The figures of the people already there are filled by 0013_pppk_contract_start, with the
    # same computation that keeps them: that computation reads employee.contract_start, which
    # only exists from 0013 on.


def downgrade():
    op.drop_table("person_figures")
