"""privacy: erasures (under pseudonyms) and monthly summaries of expired audit records

Revision ID: 0003_privacy
Revises: 0001_platform
Create Date: 2026-12-02 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.base

revision: str = '0003_privacy'
down_revision: str | Sequence[str] | None = '0001_platform'
branch_labels: str | Sequence[str] | None = ('privacy',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('privacy_erasures',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=40), nullable=False),
    sa.Column('at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_privacy_erasures_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_privacy_erasures')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_privacy_erasures_pseudonym'))
    )
    op.create_table('audit_summaries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('entity', sa.String(length=80), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_summaries')),
    sa.UniqueConstraint('month', 'action', 'entity', name=op.f('uq_audit_summaries_month_action_entity'))
    )


def downgrade() -> None:
    op.drop_table('audit_summaries')
    op.drop_table('privacy_erasures')
