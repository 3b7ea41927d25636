"""anonymity inbox: sealed answers waiting to be mixed in batches of at least k; survey_answer
loses its question_id index (a batch is written in response-id order, docs/anonymity.md)

Revision ID: 0007_anonymity_inbox
Revises: 0006_perf_indexes
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_anonymity_inbox"
down_revision = "0006_perf_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_answer_question_id")
    op.create_table(
        "anonymity_inbox",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("stream", sa.String(length=16), nullable=False),
        sa.Column("batch_key", sa.Integer(), nullable=False),
        sa.Column("label", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anonymity_inbox")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("anonymity_inbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_anonymity_inbox_batch", ["stream", "batch_key", "label"], unique=False
        )


def downgrade():
    with op.batch_alter_table("anonymity_inbox", schema=None) as batch_op:
        batch_op.drop_index("ix_anonymity_inbox_batch")
    op.drop_table("anonymity_inbox")
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.create_index("ix_survey_answer_question_id", ["question_id"], unique=False)
