"""certificate numbers: a per-year counter, the number (unique) and what an official certificate
states as issued (holder's NIP, pangkat/golongan, jabatan; place and date; signatory); the
signatory of each workshop

Revision ID: 0008_certificate_numbers
Revises: 0007_anonymity_inbox
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_certificate_numbers"
down_revision = "0007_anonymity_inbox"
branch_labels = None
depends_on = None

SIGNATORY = (
    ("signatory_name", 200),
    ("signatory_nip", 18),
    ("signatory_rank", 100),
    ("signatory_title", 200),
)
HOLDER = (("holder_nip", 18), ("holder_rank", 100), ("holder_position", 200), ("issued_place", 100))


def _text(name, length):
    # server_default only to fill existing rows; the models give the default from then on
    return sa.Column(name, sa.String(length=length), nullable=False, server_default="")


def upgrade():
    op.create_table(
        "workshop_certificate_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_workshop_certificate_counter")),
    )
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        for name, length in SIGNATORY:
            batch_op.add_column(_text(name, length))
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        for name, _length in SIGNATORY:
            batch_op.alter_column(name, server_default=None)

    with op.batch_alter_table("workshop_certificate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("number_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("number_seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("session_end_date", sa.Date(), nullable=True))
        for name, length in HOLDER + SIGNATORY:
            batch_op.add_column(_text(name, length))
        batch_op.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_workshop_certificate_number_year_number_seq"),
            ["number_year", "number_seq"],
        )
        batch_op.create_unique_constraint(batch_op.f("uq_workshop_certificate_number"), ["number"])
    with op.batch_alter_table("workshop_certificate", schema=None) as batch_op:
        for name, _length in HOLDER + SIGNATORY:
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table("workshop_certificate", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_workshop_certificate_number"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("uq_workshop_certificate_number_year_number_seq"), type_="unique"
        )
        for name in (
            "issued_on",
            *(n for n, _l in HOLDER + SIGNATORY),
            "session_end_date",
            "number_seq",
            "number_year",
            "number",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("workshop", schema=None) as batch_op:
        for name, _length in SIGNATORY:
            batch_op.drop_column(name)
    op.drop_table("workshop_certificate_counter")
