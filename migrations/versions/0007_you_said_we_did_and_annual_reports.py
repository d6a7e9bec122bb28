"""you said, we did and annual reports: comments, responses, evidence links, report versions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 13:10:45.856591

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_event', schema=None) as batch_op:
        batch_op.create_index('ix_search_event_report', ['searched_at', 'query', 'result_count'], unique=False)

    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=30), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('narrative', sa.JSON(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_annual_report_period_in_order')),
    sa.CheckConstraint('version > 0', name=op.f('ck_annual_report_version_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_annual_report_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('period', 'version', name=op.f('uq_annual_report_period_version'))
    )
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_report_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_report_period'), ['period'], unique=False)

    op.create_table('you_said',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('source_type', sa.String(length=30), nullable=False),
    sa.Column('said_on', sa.Date(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('page_path', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("source_type IN ('review', 'page_feedback', 'survey', 'coffee_morning', 'parent_carer_forum', 'young_peoples_group', 'complaint')", name=op.f('ck_you_said_known_source_type')),
    sa.CheckConstraint("summary <> ''", name=op.f('ck_you_said_summary_not_empty')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_you_said_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_you_said_service_id_service'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_you_said'))
    )
    with op.batch_alter_table('you_said', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_you_said_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_you_said_said_on'), ['said_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_you_said_service_id'), ['service_id'], unique=False)

    op.create_table('we_did',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('you_said_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('team', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("action <> ''", name=op.f('ck_we_did_action_not_empty')),
    sa.CheckConstraint("status <> 'not_possible' OR (reason IS NOT NULL AND reason <> '')", name=op.f('ck_we_did_not_possible_has_reason')),
    sa.CheckConstraint("status IN ('planned', 'in_progress', 'done', 'not_possible')", name=op.f('ck_we_did_known_status')),
    sa.ForeignKeyConstraint(['you_said_id'], ['you_said.id'], name=op.f('fk_we_did_you_said_id_you_said'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_we_did')),
    sa.UniqueConstraint('you_said_id', name=op.f('uq_we_did_you_said_id'))
    )
    with op.batch_alter_table('we_did', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_we_did_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_we_did_status'), ['status'], unique=False)

    op.create_table('you_said_feedback',
    sa.Column('you_said_id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['page_feedback.id'], name=op.f('fk_you_said_feedback_feedback_id_page_feedback'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['you_said_id'], ['you_said.id'], name=op.f('fk_you_said_feedback_you_said_id_you_said'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('you_said_id', 'feedback_id', name=op.f('pk_you_said_feedback'))
    )
    with op.batch_alter_table('you_said_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_you_said_feedback_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('you_said_theme',
    sa.Column('you_said_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_you_said_theme_theme_id_theme'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['you_said_id'], ['you_said.id'], name=op.f('fk_you_said_theme_you_said_id_you_said'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('you_said_id', 'theme_id', name=op.f('pk_you_said_theme'))
    )
    with op.batch_alter_table('you_said_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_you_said_theme_theme_id'), ['theme_id'], unique=False)

    op.create_table('you_said_review',
    sa.Column('you_said_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_you_said_review_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['you_said_id'], ['you_said.id'], name=op.f('fk_you_said_review_you_said_id_you_said'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('you_said_id', 'review_id', name=op.f('pk_you_said_review'))
    )
    with op.batch_alter_table('you_said_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_you_said_review_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('search_event', schema=None) as batch_op:
        batch_op.drop_index('ix_search_event_report')

    with op.batch_alter_table('you_said_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_you_said_review_review_id'))

    op.drop_table('you_said_review')
    with op.batch_alter_table('you_said_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_you_said_theme_theme_id'))

    op.drop_table('you_said_theme')
    with op.batch_alter_table('you_said_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_you_said_feedback_feedback_id'))

    op.drop_table('you_said_feedback')
    with op.batch_alter_table('we_did', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_we_did_status'))
        batch_op.drop_index(batch_op.f('ix_we_did_published_at'))

    op.drop_table('we_did')
    with op.batch_alter_table('you_said', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_you_said_service_id'))
        batch_op.drop_index(batch_op.f('ix_you_said_said_on'))
        batch_op.drop_index(batch_op.f('ix_you_said_created_by_id'))

    op.drop_table('you_said')
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_report_period'))
        batch_op.drop_index(batch_op.f('ix_annual_report_created_by_id'))

    op.drop_table('annual_report')
