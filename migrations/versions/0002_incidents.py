"""incidents: incidents, their timeline and the number counter

Revision ID: 0002_incidents
Revises: 0001_platform
Create Date: 2026-11-25 12:40:00
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.core.base  # noqa: F401 - column types used below


revision: str = '0002_incidents'
down_revision: Union[str, Sequence[str], None] = '0001_platform'
branch_labels: Union[str, Sequence[str], None] = ('incidents',)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('incident_counters',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_incident_counters'))
    )
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('source_link', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.String(length=40), nullable=True),
    sa.Column('channel_name', sa.String(length=80), nullable=True),
    sa.Column('card_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('reported_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('mitigated_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ack_due_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('update_due_at', models.core.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['people.id'], name=op.f('fk_incidents_assignee_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['card_id'], ['outbox.id'], name=op.f('fk_incidents_card_id_outbox'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['people.id'], name=op.f('fk_incidents_reporter_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('channel_id', name=op.f('uq_incidents_channel_id')),
    sa.UniqueConstraint('number', name=op.f('uq_incidents_number'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_incidents_status_severity', ['status', 'severity'], unique=False)

    op.create_table('incident_timeline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('at', models.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('message_ts', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['people.id'], name=op.f('fk_incident_timeline_author_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_timeline_incident_id_incidents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_timeline'))
    )
    with op.batch_alter_table('incident_timeline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_timeline_incident_id'), ['incident_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('incident_timeline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_timeline_incident_id'))
    op.drop_table('incident_timeline')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_status_severity')
        batch_op.drop_index(batch_op.f('ix_incidents_assignee_id'))
    op.drop_table('incidents')
    op.drop_table('incident_counters')
