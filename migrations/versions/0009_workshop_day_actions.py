"""workshop day and the change loop: the QR check-in's walk-in queue (workshop_checkin_request),
survey actions (survey_action) and the pulse wave's baseline (survey_wave.baseline_wave_id)

Revision ID: 0009_workshop_day_actions
Revises: 0008_certificate_numbers
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_workshop_day_actions"
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
    with op.batch_alter_table("survey_wave", schema=None) as batch_op:
        batch_op.add_column(sa.Column("baseline_wave_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_survey_wave_baseline_wave_id"), ["baseline_wave_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_wave_baseline_wave_id_survey_wave"),
            "survey_wave",
            ["baseline_wave_id"],
            ["id"],
        )
    op.create_table(
        "survey_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('rencana', 'berjalan', 'selesai', 'batal')",
            name=op.f("ck_survey_action_status"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["employee.id"], name=op.f("fk_survey_action_author_id_employee")
        ),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["survey_dimension.id"],
            name=op.f("fk_survey_action_dimension_id_survey_dimension"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["employee.id"], name=op.f("fk_survey_action_owner_id_employee")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["workshop_session.id"],
            name=op.f("fk_survey_action_session_id_workshop_session"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_survey_action_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["survey_wave.id"], name=op.f("fk_survey_action_wave_id_survey_wave")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_action")),
    )
    with op.batch_alter_table("survey_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_survey_action_owner_status_due", ["owner_id", "status", "due_on"], unique=False
        )
        batch_op.create_index(
            "ix_survey_action_unit_status_due", ["unit_id", "status", "due_on"], unique=False
        )
        batch_op.create_index("ix_survey_action_wave_unit", ["wave_id", "unit_id"], unique=False)


def downgrade():
    with op.batch_alter_table("survey_action", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_action_wave_unit")
        batch_op.drop_index("ix_survey_action_unit_status_due")
        batch_op.drop_index("ix_survey_action_owner_status_due")
    op.drop_table("survey_action")
    with op.batch_alter_table("survey_wave", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_survey_wave_baseline_wave_id_survey_wave"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_survey_wave_baseline_wave_id"))
        batch_op.drop_column("baseline_wave_id")
    with op.batch_alter_table("workshop_checkin_request", schema=None) as batch_op:
        batch_op.drop_index("ix_workshop_checkin_request_session_status")
    op.drop_table("workshop_checkin_request")
