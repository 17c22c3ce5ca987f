"""trades: partial fills (several confirmations confirming one trade)

Revision ID: 0003_trades_fills
Revises: 0002_trades
Create Date: 2026-12-02 08:00:00
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003_trades_fills"
down_revision: Union[str, Sequence[str], None] = "0002_trades"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("trade_confirmations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fill_of_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_trade_confirmations_fill_of_id"), ["fill_of_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_trade_confirmations_fill_of_id_trades"), "trades", ["fill_of_id"],
                                    ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("trade_confirmations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_trade_confirmations_fill_of_id_trades"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_trade_confirmations_fill_of_id"))
        batch_op.drop_column("fill_of_id")
