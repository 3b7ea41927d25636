"""leader list indexes: the feedback author index carries the id, so that an author's sent
feedback joined to its follow-ups (a leader's follow-ups to confirm) is read from the index
alone; people by name (the team view's first page in index order)

Revision ID: 0015_leader_list_indexes
Revises: 0014_kept_demand
Create Date: 2026-12-06
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_leader_list_indexes"
down_revision = "0014_kept_demand"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_author_status")
        batch_op.create_index(
            "ix_feedback_author_status", ["author_id", "status", "id"], unique=False
        )
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.create_index("ix_employee_name", ["name", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("employee", schema=None) as batch_op:
        batch_op.drop_index("ix_employee_name")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_author_status")
        batch_op.create_index("ix_feedback_author_status", ["author_id", "status"], unique=False)
