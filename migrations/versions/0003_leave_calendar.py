"""leave: calendar feeds (a hash of each person's secret token)

Revision ID: 0003_leave_calendar
Revises: 0002_leave
Create Date: 2026-12-02 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.base

revision: str = '0003_leave_calendar'
down_revision: str | Sequence[str] | None = '0002_leave'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('leave_calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_leave_calendar_feeds_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_calendar_feeds')),
    sa.UniqueConstraint('person_id', name=op.f('uq_leave_calendar_feeds_person_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_leave_calendar_feeds_token_hash'))
    )


def downgrade() -> None:
    op.drop_table('leave_calendar_feeds')
