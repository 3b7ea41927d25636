"""workshops

Topics (seeded), programmes, sessions, registrations, evaluations, external learning,
certificates and calendar tokens.

Revision ID: 0002_workshops
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_workshops'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

DEFAULT_TOPICS = (
    "Pelayanan publik",
    "Komunikasi publik",
    "Empati",
    "Presentasi",
    "Kepemimpinan",
    "Manajemen perubahan",
    "Digitalisasi layanan",
    "Budaya kerja BerAKHLAK",
    "Administrasi perkantoran",
    "Pengelolaan keuangan",
)


def upgrade():
    op.create_table('workshop_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_topic')),
    sa.UniqueConstraint('name', name=op.f('uq_workshop_topic_name'))
    )

    op.create_table('external_learning',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('learning_form', sa.String(length=20), nullable=False),
    sa.Column('learning_kind', sa.String(length=30), nullable=False),
    sa.Column('learned_on', sa.Date(), nullable=False),
    sa.Column('jp', sa.Integer(), nullable=False),
    sa.Column('evidence_file', sa.String(length=100), nullable=False),
    sa.Column('evidence_name', sa.String(length=200), nullable=False),
    sa.Column('evidence_type', sa.String(length=40), nullable=False),
    sa.Column('evidence_size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("learning_form IN ('klasikal', 'nonklasikal')", name=op.f('ck_external_learning_learning_form')),
    sa.CheckConstraint("status <> 'rejected' OR review_reason <> ''", name=op.f('ck_external_learning_reject_reason')),
    sa.CheckConstraint("status IN ('pending', 'verified', 'rejected')", name=op.f('ck_external_learning_status')),
    sa.CheckConstraint('jp >= 1 AND jp <= 200', name=op.f('ck_external_learning_jp_range')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_external_learning_employee_id_employee')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['employee.id'], name=op.f('fk_external_learning_reviewed_by_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_learning'))
    )
    with op.batch_alter_table('external_learning', schema=None) as batch_op:
        batch_op.create_index('ix_external_learning_employee_status', ['employee_id', 'status', 'learned_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_external_learning_status'), ['status'], unique=False)

    op.create_table('workshop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('competency_type', sa.String(length=20), nullable=False),
    sa.Column('learning_form', sa.String(length=20), nullable=False),
    sa.Column('learning_kind', sa.String(length=30), nullable=False),
    sa.Column('requires_approval', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("competency_type IN ('teknis', 'manajerial', 'sosial_kultural')", name=op.f('ck_workshop_competency_type')),
    sa.CheckConstraint("learning_form IN ('klasikal', 'nonklasikal')", name=op.f('ck_workshop_learning_form')),
    sa.ForeignKeyConstraint(['created_by_id'], ['employee.id'], name=op.f('fk_workshop_created_by_id_employee')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop'))
    )

    op.create_table('workshop_calendar_token',
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_workshop_calendar_token_employee_id_employee')),
    sa.PrimaryKeyConstraint('employee_id', name=op.f('pk_workshop_calendar_token')),
    sa.UniqueConstraint('token', name=op.f('uq_workshop_calendar_token_token'))
    )

    op.create_table('workshop_organizer',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_workshop_organizer_employee_id_employee')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_organizer_workshop_id_workshop')),
    sa.PrimaryKeyConstraint('workshop_id', 'employee_id', name=op.f('pk_workshop_organizer'))
    )
    with op.batch_alter_table('workshop_organizer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_organizer_employee_id'), ['employee_id'], unique=False)

    op.create_table('workshop_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('jp_credited', sa.Integer(), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registration_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('queue_seq', sa.Integer(), nullable=False),
    sa.Column('facilitator', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'cancelled', 'completed')", name=op.f('ck_workshop_session_status')),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_workshop_session_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_workshop_session_ends_after_start')),
    sa.CheckConstraint('jp_credited >= 0', name=op.f('ck_workshop_session_jp_not_negative')),
    sa.CheckConstraint('queue_seq >= 0', name=op.f('ck_workshop_session_queue_seq_not_negative')),
    sa.CheckConstraint('registration_opens_at IS NULL OR registration_closes_at IS NULL OR registration_closes_at > registration_opens_at', name=op.f('ck_workshop_session_window_order')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_session_workshop_id_workshop')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_session'))
    )
    with op.batch_alter_table('workshop_session', schema=None) as batch_op:
        batch_op.create_index('ix_workshop_session_status_starts_at', ['status', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_session_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('workshop_topic_link',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['workshop_topic.id'], name=op.f('fk_workshop_topic_link_topic_id_workshop_topic')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_topic_link_workshop_id_workshop')),
    sa.PrimaryKeyConstraint('workshop_id', 'topic_id', name=op.f('pk_workshop_topic_link'))
    )
    with op.batch_alter_table('workshop_topic_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_topic_link_topic_id'), ['topic_id'], unique=False)

    op.create_table('workshop_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('relevance', sa.SmallInteger(), nullable=False),
    sa.Column('usefulness', sa.SmallInteger(), nullable=False),
    sa.Column('facilitator', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('facilitator BETWEEN 1 AND 5', name=op.f('ck_workshop_evaluation_facilitator')),
    sa.CheckConstraint('relevance BETWEEN 1 AND 5', name=op.f('ck_workshop_evaluation_relevance')),
    sa.CheckConstraint('usefulness BETWEEN 1 AND 5', name=op.f('ck_workshop_evaluation_usefulness')),
    sa.ForeignKeyConstraint(['session_id'], ['workshop_session.id'], name=op.f('fk_workshop_evaluation_session_id_workshop_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_evaluation'))
    )
    with op.batch_alter_table('workshop_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_evaluation_session_id'), ['session_id'], unique=False)

    op.create_table('workshop_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.Column('evaluated', sa.Boolean(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("NOT attended OR status = 'confirmed'", name=op.f('ck_workshop_registration_attended_confirmed')),
    sa.CheckConstraint("NOT walk_in OR status IN ('confirmed','cancelled')", name=op.f('ck_workshop_registration_walk_in')),
    sa.CheckConstraint("status <> 'declined' OR decision_reason <> ''", name=op.f('ck_workshop_registration_decline_reason')),
    sa.CheckConstraint("status IN ('pending_approval', 'confirmed', 'waitlisted', 'cancelled', 'declined')", name=op.f('ck_workshop_registration_status')),
    sa.CheckConstraint("status NOT IN ('confirmed','waitlisted') OR position IS NOT NULL", name=op.f('ck_workshop_registration_queued')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['employee.id'], name=op.f('fk_workshop_registration_decided_by_id_employee')),
    sa.ForeignKeyConstraint(['employee_id'], ['employee.id'], name=op.f('fk_workshop_registration_employee_id_employee')),
    sa.ForeignKeyConstraint(['session_id'], ['workshop_session.id'], name=op.f('fk_workshop_registration_session_id_workshop_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_registration')),
    sa.UniqueConstraint('session_id', 'employee_id', name=op.f('uq_workshop_registration_session_id_employee_id'))
    )
    with op.batch_alter_table('workshop_registration', schema=None) as batch_op:
        batch_op.create_index('ix_workshop_registration_employee_status', ['employee_id', 'status'], unique=False)
        batch_op.create_index('ix_workshop_registration_session_status', ['session_id', 'status', 'position'], unique=False)

    op.create_table('workshop_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('workshop_title', sa.String(length=200), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('jp', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['workshop_registration.id'], name=op.f('fk_workshop_certificate_registration_id_workshop_registration')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_workshop_certificate_code')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_workshop_certificate_registration_id'))
    )

    topic = sa.table('workshop_topic', sa.column('name', sa.String), sa.column('active', sa.Boolean))
    op.bulk_insert(topic, [{'name': name, 'active': True} for name in DEFAULT_TOPICS])


def downgrade():
    op.drop_table('workshop_certificate')
    with op.batch_alter_table('workshop_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_workshop_registration_session_status')
        batch_op.drop_index('ix_workshop_registration_employee_status')

    op.drop_table('workshop_registration')
    with op.batch_alter_table('workshop_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_evaluation_session_id'))

    op.drop_table('workshop_evaluation')
    with op.batch_alter_table('workshop_topic_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_topic_link_topic_id'))

    op.drop_table('workshop_topic_link')
    with op.batch_alter_table('workshop_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_session_workshop_id'))
        batch_op.drop_index('ix_workshop_session_status_starts_at')

    op.drop_table('workshop_session')
    with op.batch_alter_table('workshop_organizer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workshop_organizer_employee_id'))

    op.drop_table('workshop_organizer')
    op.drop_table('workshop_calendar_token')
    op.drop_table('workshop')
    with op.batch_alter_table('external_learning', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_learning_status'))
        batch_op.drop_index('ix_external_learning_employee_status')

    op.drop_table('external_learning')
    op.drop_table('workshop_topic')
