"""competencies: dictionary, job competency standards, assessments (history), career targets
and the competencies a workshop develops

Revision ID: 0010_competencies
Revises: 0009_workshop_day_actions
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_competencies"
down_revision = "0009_workshop_day_actions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "competency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("level_1", sa.Text(), nullable=False),
        sa.Column("level_2", sa.Text(), nullable=False),
        sa.Column("level_3", sa.Text(), nullable=False),
        sa.Column("level_4", sa.Text(), nullable=False),
        sa.Column("level_5", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('manajerial','sosial_kultural','teknis')", name=op.f("ck_competency_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency")),
        sa.UniqueConstraint("code", name=op.f("uq_competency_code")),
    )
    op.create_table(
        "career_target",
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("jabatan", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["employee.id"], name=op.f("fk_career_target_employee_id_employee")
        ),
        sa.PrimaryKeyConstraint("employee_id", name=op.f("pk_career_target")),
    )
    op.create_table(
        "competency_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_competency_assessment_level")),
        sa.CheckConstraint(
            "source IN ('leader','assessment_centre','self')",
            name=op.f("ck_competency_assessment_source"),
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["employee.id"],
            name=op.f("fk_competency_assessment_assessed_by_id_employee"),
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competency.id"],
            name=op.f("fk_competency_assessment_competency_id_competency"),
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["employee.id"],
            name=op.f("fk_competency_assessment_employee_id_employee"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_assessment")),
    )
    with op.batch_alter_table("competency_assessment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_competency_assessment_person",
            ["employee_id", "competency_id", "source"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_competency_assessment_competency_id"), ["competency_id"], unique=False
        )
    op.create_table(
        "competency_standard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jabatan", sa.String(length=200), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("required_level", sa.SmallInteger(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "required_level BETWEEN 1 AND 5", name=op.f("ck_competency_standard_required_level")
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competency.id"],
            name=op.f("fk_competency_standard_competency_id_competency"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["employee.id"],
            name=op.f("fk_competency_standard_updated_by_id_employee"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competency_standard")),
        sa.UniqueConstraint(
            "jabatan", "competency_id", name=op.f("uq_competency_standard_jabatan_competency_id")
        ),
    )
    with op.batch_alter_table("competency_standard", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competency_standard_competency_id"), ["competency_id"], unique=False
        )
    op.create_table(
        "workshop_competency",
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("target_level", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "target_level BETWEEN 1 AND 5", name=op.f("ck_workshop_competency_target_level")
        ),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competency.id"],
            name=op.f("fk_workshop_competency_competency_id_competency"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshop.id"],
            name=op.f("fk_workshop_competency_workshop_id_workshop"),
        ),
        sa.PrimaryKeyConstraint(
            "workshop_id", "competency_id", name=op.f("pk_workshop_competency")
        ),
    )
    with op.batch_alter_table("workshop_competency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workshop_competency_competency_id"), ["competency_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("workshop_competency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workshop_competency_competency_id"))
    op.drop_table("workshop_competency")
    with op.batch_alter_table("competency_standard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_standard_competency_id"))
    op.drop_table("competency_standard")
    with op.batch_alter_table("competency_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competency_assessment_competency_id"))
        batch_op.drop_index("ix_competency_assessment_person")
    op.drop_table("competency_assessment")
    op.drop_table("career_target")
    op.drop_table("competency")
