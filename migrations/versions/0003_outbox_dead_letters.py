"""platform: outbox dead letters (dead, dropped) and uncertain sends

Revision ID: 0003_outbox_dead_letters
Revises: 0001_platform
Create Date: 2026-12-02 08:00:00

A notification that Slack refuses for good, or that keeps failing, is parked ``dead`` (with
``dead_at``) instead of the old ``failed``; ``uncertain`` marks a try whose outcome was never
heard (a time-out, a killed sender), so the next try checks the channel before posting.
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.core.base

revision: str = "0003_outbox_dead_letters"
down_revision: Union[str, Sequence[str], None] = "0001_platform"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dead_at", models.core.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("uncertain", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("uncertain", server_default=None)
    # What used to give up as "failed" is a dead letter now: an admin can see it and act.
    op.execute("UPDATE outbox SET status = 'dead', dead_at = COALESCE(sent_at, next_attempt_at) "
               "WHERE status = 'failed'")


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'failed' WHERE status IN ('dead', 'dropped')")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("uncertain")
        batch_op.drop_column("dead_at")
