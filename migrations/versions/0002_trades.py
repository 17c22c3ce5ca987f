"""trades: trades, broker confirmations, trade events

Revision ID: 0002_trades
Revises: 0001_platform
Create Date: 2026-11-25 12:40:00
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.core.base  # noqa: F401 - column types used below


revision: str = "0002_trades"
down_revision: Union[str, Sequence[str], None] = "0001_platform"
branch_labels: Union[str, Sequence[str], None] = ("trades",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('trade_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('confirm_id', sa.String(length=40), nullable=False),
    sa.Column('broker_ref', sa.String(length=40), nullable=False),
    sa.Column('trans_type', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('trade_date', sa.Date(), nullable=False),
    sa.Column('settlement_date', sa.Date(), nullable=False),
    sa.Column('account', sa.String(length=60), nullable=False),
    sa.Column('side', sa.String(length=4), nullable=False),
    sa.Column('isin', sa.String(length=12), nullable=False),
    sa.Column('ticker', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('price', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('gross_amount', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('fees', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('net_amount', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('broker', sa.String(length=40), nullable=False),
    sa.Column('received_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['imported_by_id'], ['people.id'], name=op.f('fk_trade_confirmations_imported_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_confirmations')),
    sa.UniqueConstraint('confirm_id', name=op.f('uq_trade_confirmations_confirm_id'))
    )
    with op.batch_alter_table('trade_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trade_confirmations_broker'), ['broker'], unique=False)

    op.create_table('trades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('trade_date', sa.Date(), nullable=False),
    sa.Column('settlement_date', sa.Date(), nullable=False),
    sa.Column('account', sa.String(length=60), nullable=False),
    sa.Column('side', sa.String(length=4), nullable=False),
    sa.Column('isin', sa.String(length=12), nullable=False),
    sa.Column('ticker', sa.String(length=20), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('price', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('fees', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('net_amount', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('broker', sa.String(length=40), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('confirmation_id', sa.Integer(), nullable=True),
    sa.Column('breaks', sa.JSON(), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('late_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booked_by_id'], ['people.id'], name=op.f('fk_trades_booked_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['confirmation_id'], ['trade_confirmations.id'], name=op.f('fk_trades_confirmation_id_trade_confirmations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['people.id'], name=op.f('fk_trades_confirmed_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['imported_by_id'], ['people.id'], name=op.f('fk_trades_imported_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trades')),
    sa.UniqueConstraint('confirmation_id', name=op.f('uq_trades_confirmation_id')),
    sa.UniqueConstraint('ref', name=op.f('uq_trades_ref'))
    )
    with op.batch_alter_table('trades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trades_broker'), ['broker'], unique=False)
        batch_op.create_index('ix_trades_status_trade_date', ['status', 'trade_date'], unique=False)

    op.create_table('trade_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trade_id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['people.id'], name=op.f('fk_trade_events_actor_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['trade_id'], ['trades.id'], name=op.f('fk_trade_events_trade_id_trades'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_events'))
    )
    with op.batch_alter_table('trade_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trade_events_trade_id'), ['trade_id'], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table("trade_events")
    op.drop_table("trades")
    op.drop_table("trade_confirmations")
