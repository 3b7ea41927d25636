"""competency current level index: the newest official assessment of a person and competency in
one index probe (blueprints/competencies/profiles.current_level), partial on the official sources

Revision ID: 0012_competency_current_index
Revises: 0011_kept_figures
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_competency_current_index"
down_revision = "0011_kept_figures"
branch_labels = None
depends_on = None

# As in blueprints/competencies/models.py (OFFICIAL_WHERE): SQLite uses a partial index only for
# a query that repeats its WHERE term.
OFFICIAL_WHERE = "source IN ('leader', 'assessment_centre')"


def upgrade():
    op.create_index(
        "ix_competency_assessment_current",
        "competency_assessment",
        ["employee_id", "competency_id", "id"],
        unique=False,
        postgresql_where=sa.text(OFFICIAL_WHERE),
        sqlite_where=sa.text(OFFICIAL_WHERE),
    )


def downgrade():
    op.drop_index("ix_competency_assessment_current", table_name="competency_assessment")
