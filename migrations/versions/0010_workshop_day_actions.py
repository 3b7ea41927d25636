"""workshop day and the change loop: the QR check-in's walk-in queue (workshop_checkin_request)

Revision ID: 0010_workshop_day_actions
Revises: 0008_certificate_numbers
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_workshop_day_actions"
down_revision = "0008_certificate_numbers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "workshop_checkin_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'refused')",
            name=op.f("ck_workshop_checkin_request_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["employee.id"],
            name=op.f("fk_workshop_checkin_request_decided_by_id_employee"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_workshop_checkin_request_employee_id_employee"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workshop_session.id"],
            name=op.f("fk_workshop_checkin_request_session_id_workshop_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_checkin_request")),
        sa.UniqueConstraint(
            "session_id",
            "employee_id",
            name=op.f("uq_workshop_checkin_request_session_id_employee_id"),
        ),
    )
    with op.batch_alter_table("workshop_checkin_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workshop_checkin_request_session_status", ["session_id", "status"], unique=False
        )


def downgrade():
    with op.batch_alter_table("workshop_checkin_request", schema=None) as batch_op:
        batch_op.drop_index("ix_workshop_checkin_request_session_status")
    op.drop_table("workshop_checkin_request")
