"""reviews and page feedback: review templates, exercises, reviews, themes and page feedback

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:53:00.175773

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("path LIKE '/%'", name=op.f('ck_page_feedback_path_is_local')),
    sa.CheckConstraint('helpful IS NOT NULL OR problem IS NOT NULL', name=op.f('ck_page_feedback_says_something')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_feedback'))
    )
    with op.batch_alter_table('page_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_feedback_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_feedback_path'), ['path'], unique=False)

    op.create_table('review_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=20), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("target IN ('service', 'site')", name=op.f('ck_review_template_known_target')),
    sa.CheckConstraint('version > 0', name=op.f('ck_review_template_version_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_template')),
    sa.UniqueConstraint('slug', 'version', name=op.f('uq_review_template_slug_version'))
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('slug', name=op.f('uq_theme_slug'))
    )
    op.create_table('exercise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('case_study', sa.Text(), nullable=False),
    sa.Column('task', sa.Text(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('target_pages', sa.JSON(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("title <> ''", name=op.f('ck_exercise_title_not_empty')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_exercise_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['review_template.id'], name=op.f('fk_exercise_template_id_review_template'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise'))
    )
    with op.batch_alter_table('exercise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exercise_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_exercise_template_id'), ['template_id'], unique=False)

    op.create_table('exercise_assignee',
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_exercise_assignee_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_exercise_assignee_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('exercise_id', 'user_id', name=op.f('pk_exercise_assignee'))
    )
    with op.batch_alter_table('exercise_assignee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_assignee_user_id'), ['user_id'], unique=False)

    op.create_table('exercise_service',
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_exercise_service_exercise_id_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_exercise_service_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('exercise_id', 'service_id', name=op.f('pk_exercise_service'))
    )
    with op.batch_alter_table('exercise_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_service_service_id'), ['service_id'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('draft_key', sa.String(length=36), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('page_path', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'sent_back', 'accepted', 'complaint', 'rejected', name='review_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('moderated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('moderator_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name=op.f('ck_review_submitted_has_a_date')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_review_author_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercise.id'], name=op.f('fk_review_exercise_id_exercise'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['user_account.id'], name=op.f('fk_review_moderated_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_review_service_id_service'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], ['review_template.id'], name=op.f('fk_review_template_id_review_template'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('author_id', 'draft_key', name=op.f('uq_review_author_id_draft_key'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_exercise_id'), ['exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_moderated_by_id'), ['moderated_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_service_id'), ['service_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_template_id'), ['template_id'], unique=False)

    op.create_table('review_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('redacted', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_answer_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_answer')),
    sa.UniqueConstraint('review_id', 'question_key', name=op.f('uq_review_answer_review_id_question_key'))
    )
    op.create_table('review_theme',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_theme_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_review_theme_theme_id_theme'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('review_id', 'theme_id', name=op.f('pk_review_theme'))
    )
    with op.batch_alter_table('review_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_theme_theme_id'), ['theme_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_theme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_theme_theme_id'))

    op.drop_table('review_theme')
    op.drop_table('review_answer')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_template_id'))
        batch_op.drop_index(batch_op.f('ix_review_status'))
        batch_op.drop_index(batch_op.f('ix_review_service_id'))
        batch_op.drop_index(batch_op.f('ix_review_moderated_by_id'))
        batch_op.drop_index(batch_op.f('ix_review_exercise_id'))
        batch_op.drop_index(batch_op.f('ix_review_author_id'))

    op.drop_table('review')
    with op.batch_alter_table('exercise_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_service_service_id'))

    op.drop_table('exercise_service')
    with op.batch_alter_table('exercise_assignee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_assignee_user_id'))

    op.drop_table('exercise_assignee')
    with op.batch_alter_table('exercise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_template_id'))
        batch_op.drop_index(batch_op.f('ix_exercise_month'))
        batch_op.drop_index(batch_op.f('ix_exercise_created_by_id'))

    op.drop_table('exercise')
    op.drop_table('theme')
    op.drop_table('review_template')
    with op.batch_alter_table('page_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_feedback_path'))
        batch_op.drop_index(batch_op.f('ix_page_feedback_created_at'))

    op.drop_table('page_feedback')
