"""search words rule: search_phrase_decision; withdraw raw searches from published reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 04:10:00.000000

Published annual reports listed the words families typed ("Top searches", "searches that found
nothing"), even words typed once, which can name a child. From now on a phrase is published only
when searched on 5 or more different days and approved by an officer
(localoffer/reports/search_words.py).

The data step, for every period with a published version holding such lists:
- each such version's searches section is withdrawn: the lists are removed from its figures,
  ``searches_withdrawn_at`` is set and its stored PDF is cleared (it is drawn again without them);
- a corrected version is published after the newest one: the same figures and narrative, the
  searches section without words (every search with words is counted as "other"), and
  ``corrects_version`` naming the version it corrects. A draft in progress moves up a number.
Both are written to the audit trail without an actor. Written with Core on the columns it needs,
so it does not depend on the application's models as they are later.
"""
from datetime import datetime, time, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_report = sa.table(
    'annual_report',
    sa.column('id', sa.Integer),
    sa.column('period', sa.String),
    sa.column('starts_on', sa.Date),
    sa.column('ends_on', sa.Date),
    sa.column('version', sa.Integer),
    sa.column('narrative', sa.JSON),
    sa.column('figures', sa.JSON),
    sa.column('published_at', sa.DateTime(timezone=True)),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('pdf', sa.LargeBinary),
    sa.column('searches_withdrawn_at', sa.DateTime(timezone=True)),
    sa.column('corrects_version', sa.Integer),
)
_search = sa.table(
    'search_event',
    sa.column('query', sa.String),
    sa.column('result_count', sa.Integer),
    sa.column('searched_at', sa.DateTime(timezone=True)),
)
_audit = sa.table(
    'audit_event',
    sa.column('action', sa.String),
    sa.column('subject_type', sa.String),
    sa.column('subject_id', sa.Integer),
    sa.column('changes', sa.JSON),
    sa.column('created_at', sa.DateTime(timezone=True)),
)
_WORD_LISTS = ('top', 'top_with_no_results')


def upgrade():
    op.create_table('search_phrase_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phrase', sa.String(length=200), nullable=False),
    sa.Column('approved', sa.Boolean(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("phrase <> ''", name=op.f('ck_search_phrase_decision_phrase_not_empty')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_search_phrase_decision_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_phrase_decision')),
    sa.UniqueConstraint('phrase', name=op.f('uq_search_phrase_decision_phrase'))
    )
    with op.batch_alter_table('search_phrase_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_phrase_decision_decided_by_id'), ['decided_by_id'], unique=False)

    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('searches_withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('corrects_version', sa.Integer(), nullable=True))

    withdraw_raw_searches(op.get_bind())


def _holds_words(figures) -> bool:
    searches = (figures or {}).get('searches') or {}
    return 'words_rule' not in searches and any(searches.get(key) for key in _WORD_LISTS)


def _counted_searches(bind, starts_on, ends_on) -> tuple[int, int]:
    start = datetime.combine(starts_on, time(), timezone.utc)
    end = datetime.combine(ends_on + timedelta(days=1), time(), timezone.utc)
    with_words, none_found = bind.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(sa.case((_search.c.result_count == 0, 1), else_=0)),
        ).where(
            _search.c.searched_at >= start,
            _search.c.searched_at < end,
            _search.c.query != '',
        )
    ).one()
    return int(with_words or 0), int(none_found or 0)


def _without_words(searches: dict) -> dict:
    return {key: value for key, value in searches.items() if key not in _WORD_LISTS}


def withdraw_raw_searches(bind) -> None:
    now = datetime.now(timezone.utc)
    rows = bind.execute(
        sa.select(_report).where(_report.c.published_at.is_not(None)).order_by(
            _report.c.period, _report.c.version
        )
    ).mappings().all()
    by_period: dict[str, list] = {}
    for row in rows:
        if _holds_words(row['figures']):
            by_period.setdefault(row['period'], []).append(row)
    for period, holding in by_period.items():
        for row in holding:
            figures = dict(row['figures'])
            figures['searches'] = _without_words(figures['searches'])
            bind.execute(
                _report.update().where(_report.c.id == row['id']).values(
                    figures=figures, searches_withdrawn_at=now, pdf=None
                )
            )
            bind.execute(_audit.insert().values(
                action='report.searches_withdrawn', subject_type='annual_report',
                subject_id=row['id'], changes={}, created_at=now,
            ))
        newest_published = max(
            (r for r in rows if r['period'] == period), key=lambda r: r['version']
        )
        if not _holds_words(newest_published['figures']):
            continue  # a later version already follows the rule
        _publish_correction(bind, newest_published, now)


def _publish_correction(bind, corrected, now) -> None:
    period = corrected['period']
    highest = bind.execute(
        sa.select(sa.func.max(_report.c.version)).where(_report.c.period == period)
    ).scalar()
    draft = bind.execute(
        sa.select(_report.c.id, _report.c.version).where(
            _report.c.period == period, _report.c.published_at.is_(None)
        )
    ).first()
    version = highest + 1
    if draft is not None:
        # The draft stays the newest: the correction takes its number, it takes the next.
        version = draft.version
        bind.execute(_report.update().where(_report.c.id == draft.id).values(version=highest + 1))
    figures = dict(corrected['figures'])
    with_words, none_found = _counted_searches(bind, corrected['starts_on'], corrected['ends_on'])
    searches = _without_words(figures['searches'])
    searches.update({
        'with_words': with_words,
        'with_words_no_results': none_found,
        'top': [],
        'other_searches': with_words,
        'top_with_no_results': [],
        'other_searches_with_no_results': none_found,
        'words_rule': {'min_days': 5, 'officer_approved': True},
    })
    figures['searches'] = searches
    bind.execute(_report.insert().values(
        period=period,
        starts_on=corrected['starts_on'],
        ends_on=corrected['ends_on'],
        version=version,
        narrative=corrected['narrative'],
        figures=figures,
        published_at=now,
        created_at=now,
        corrects_version=corrected['version'],
    ))
    new_id = bind.execute(
        sa.select(_report.c.id).where(_report.c.period == period, _report.c.version == version)
    ).scalar()
    bind.execute(_audit.insert().values(
        action='report.published', subject_type='annual_report', subject_id=new_id,
        changes={'version': [None, version], 'corrects_version': [None, corrected['version']]},
        created_at=now,
    ))


def downgrade():
    # The withdrawn words are not put back: they should never have been published.
    with op.batch_alter_table('annual_report', schema=None) as batch_op:
        batch_op.drop_column('corrects_version')
        batch_op.drop_column('searches_withdrawn_at')

    with op.batch_alter_table('search_phrase_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_phrase_decision_decided_by_id'))

    op.drop_table('search_phrase_decision')
