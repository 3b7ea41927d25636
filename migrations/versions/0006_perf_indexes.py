"""perf indexes: a covering index for the follow-up counts of the team view and dashboards

Revision ID: 0006_perf_indexes
Revises: 0005_dashboard
Create Date: 2026-11-28
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_perf_indexes"
down_revision = "0005_dashboard"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback_follow_up", schema=None) as batch_op:
        batch_op.create_index(
            "ix_feedback_follow_up_state",
            ["feedback_id", "confirmed_at", "done_at", "due_on"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("feedback_follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_follow_up_state")
