"""The outbox rows: notifications recorded with the change that caused them, delivered after commit
(queued by :func:`models.core.notify.notify`).

A notification names its reader (a person or a channel), a template and the data to fill it
with. The sender renders it in the reader's language when it delivers, so the domain never
decides wording or language.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.base import Base

if TYPE_CHECKING:
    from models.core.people import Person


class OutboxStatus(str, enum.Enum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    dead = "dead"  # a dead letter: Slack refused it for good, or it kept failing; an admin retries or drops it
    dropped = "dropped"  # a dead letter an admin chose to drop (kept for the record)


class OutboxKind(str, enum.Enum):
    post = "post"  # chat.postMessage to a channel or a DM
    update = "update"  # chat.update of an earlier outbox message, in place
    file = "file"  # files upload (a chart, a CSV)
    ephemeral = "ephemeral"  # chat.postEphemeral: only the person sees it, in a channel


class OutboxMessage(Base):
    """A message waiting to be delivered to Slack, or already delivered (with its ``ts``)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedup_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(40), default=OutboxKind.post.value)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(String(100))
    thread_of_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    thread_ts: Mapped[str | None] = mapped_column(String(40))
    updates_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    template: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict]
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    lease_until: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    slack_channel: Mapped[str | None] = mapped_column(String(40))
    slack_ts: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    dead_at: Mapped[dt.datetime | None]  # when it became a dead letter
    # The last try may have reached Slack without our hearing back (a time-out, a process
    # killed mid-send): the next try looks for the message in the channel before posting.
    uncertain: Mapped[bool] = mapped_column(default=False)
    request_id: Mapped[str | None] = mapped_column(String(120))

    person: Mapped[Person | None] = relationship(lazy="joined")
    updates: Mapped[OutboxMessage | None] = relationship(remote_side="OutboxMessage.id", foreign_keys=[updates_id])
    thread_of: Mapped[OutboxMessage | None] = relationship(
        remote_side="OutboxMessage.id", foreign_keys=[thread_of_id]
    )
