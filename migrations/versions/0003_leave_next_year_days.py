"""leave: the business days of a request that fall in the following year (leave across 31 December)

Revision ID: 0003_leave_next_year_days
Revises: 0002_leave
Create Date: 2026-12-02 08:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.base

revision: str = '0003_leave_next_year_days'
down_revision: str | Sequence[str] | None = '0002_leave'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Requests filed before this split charged everything to the year they start in: 0 keeps that.
    with op.batch_alter_table('leave_requests') as batch:
        batch.add_column(sa.Column('next_year_days', models.core.base.Money(precision=20, scale=6), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('leave_requests') as batch:
        batch.drop_column('next_year_days')
