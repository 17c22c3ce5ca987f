"""leave: types, yearly allocations, requests, approval messages

Revision ID: 0002_leave
Revises: 0001_platform
Create Date: 2026-11-25 12:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.core.base

revision: str = '0002_leave'
down_revision: str | Sequence[str] | None = '0001_platform'
branch_labels: str | Sequence[str] | None = ('leave',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('leave_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('yearly_allowance', models.core.base.Money(precision=20, scale=6), nullable=True),
    sa.Column('carry_over_cap', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('half_days', sa.Boolean(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_types')),
    sa.UniqueConstraint('code', name=op.f('uq_leave_types_code'))
    )
    op.create_table('leave_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('days', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('set_by_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_leave_allocations_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['leave_types.id'], name=op.f('fk_leave_allocations_type_id_leave_types'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_allocations')),
    sa.UniqueConstraint('person_id', 'type_id', 'year', name=op.f('uq_leave_allocations_person_id_type_id_year'))
    )
    op.create_table('leave_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('half_start', sa.Boolean(), nullable=False),
    sa.Column('half_end', sa.Boolean(), nullable=False),
    sa.Column('days', models.core.base.Money(precision=20, scale=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['people.id'], name=op.f('fk_leave_requests_approver_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['people.id'], name=op.f('fk_leave_requests_decided_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_leave_requests_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['type_id'], ['leave_types.id'], name=op.f('fk_leave_requests_type_id_leave_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_requests'))
    )
    with op.batch_alter_table('leave_requests', schema=None) as batch_op:
        batch_op.create_index('ix_leave_requests_person_dates', ['person_id', 'start', 'end'], unique=False)
        batch_op.create_index('ix_leave_requests_status', ['status'], unique=False)

    op.create_table('leave_approval_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['people.id'], name=op.f('fk_leave_approval_messages_approver_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_leave_approval_messages_outbox_id_outbox'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['leave_requests.id'], name=op.f('fk_leave_approval_messages_request_id_leave_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leave_approval_messages'))
    )
    with op.batch_alter_table('leave_approval_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leave_approval_messages_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('leave_approval_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leave_approval_messages_request_id'))
    op.drop_table('leave_approval_messages')
    with op.batch_alter_table('leave_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_leave_requests_status')
        batch_op.drop_index('ix_leave_requests_person_dates')
    op.drop_table('leave_requests')
    op.drop_table('leave_allocations')
    op.drop_table('leave_types')
