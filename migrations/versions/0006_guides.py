"""guides: information pages, their versions, related services and sections

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:53:08.405259

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guide_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("name <> ''", name=op.f('ck_guide_section_name_not_empty')),
    sa.CheckConstraint("slug <> ''", name=op.f('ck_guide_section_slug_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_section')),
    sa.UniqueConstraint('slug', name=op.f('uq_guide_section_slug'))
    )
    op.create_table('guide_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.Enum('families', 'young_people', name='guide_audience', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'unpublished', name='guide_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('published_number', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner_team', sa.String(length=200), nullable=False),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('review_due_on', sa.Date(), nullable=True),
    sa.Column('young_people_version_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("owner_team <> ''", name=op.f('ck_guide_page_owner_team_not_empty')),
    sa.CheckConstraint("slug <> ''", name=op.f('ck_guide_page_slug_not_empty')),
    sa.CheckConstraint("status <> 'published' OR published_number IS NOT NULL", name=op.f('ck_guide_page_published_has_version')),
    sa.CheckConstraint('young_people_version_id IS NULL OR young_people_version_id <> id', name=op.f('ck_guide_page_young_people_version_not_itself')),
    sa.ForeignKeyConstraint(['section_id'], ['guide_section.id'], name=op.f('fk_guide_page_section_id_guide_section'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['young_people_version_id'], ['guide_page.id'], name=op.f('fk_guide_page_young_people_version_id_guide_page'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_page')),
    sa.UniqueConstraint('slug', name=op.f('uq_guide_page_slug')),
    sa.UniqueConstraint('young_people_version_id', name=op.f('uq_guide_page_young_people_version_id'))
    )
    with op.batch_alter_table('guide_page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_page_review_due_on'), ['review_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_guide_page_section_id'), ['section_id'], unique=False)

    op.create_table('guide_related_service',
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide_page.id'], name=op.f('fk_guide_related_service_guide_id_guide_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_guide_related_service_service_id_service'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('guide_id', 'service_id', name=op.f('pk_guide_related_service'))
    )
    op.create_table('guide_taxonomy_term',
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('taxonomy_term_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide_page.id'], name=op.f('fk_guide_taxonomy_term_guide_id_guide_page'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taxonomy_term_id'], ['taxonomy_term.id'], name=op.f('fk_guide_taxonomy_term_taxonomy_term_id_taxonomy_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('guide_id', 'taxonomy_term_id', name=op.f('pk_guide_taxonomy_term'))
    )
    op.create_table('guide_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("title <> ''", name=op.f('ck_guide_version_title_not_empty')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_guide_version_number_positive')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_guide_version_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide_page.id'], name=op.f('fk_guide_version_guide_id_guide_page'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide_version')),
    sa.UniqueConstraint('guide_id', 'number', name=op.f('uq_guide_version_guide_id_number'))
    )
    with op.batch_alter_table('guide_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_version_author_id'), ['author_id'], unique=False)



def downgrade():
    with op.batch_alter_table('guide_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_version_author_id'))

    op.drop_table('guide_version')
    op.drop_table('guide_taxonomy_term')
    op.drop_table('guide_related_service')
    with op.batch_alter_table('guide_page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_page_section_id'))
        batch_op.drop_index(batch_op.f('ix_guide_page_review_due_on'))

    op.drop_table('guide_page')
    op.drop_table('guide_section')
