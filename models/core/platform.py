"""Platform bookkeeping: requests already acted on, job periods already claimed."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core.base import Base


class ProcessedRequest(Base):
    """A Slack request (event id or trigger id) whose changes are committed.

    Inserted in the same transaction as the changes, so a retry that races the first
    attempt fails on the primary key instead of acting twice, whichever process gets it.
    """

    __tablename__ = "processed_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)


def prune_processed_requests(session: Session, now: dt.datetime, keep: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Forget request keys older than ``keep``: Slack retries within minutes, never after days."""
    # A DELETE's result is a CursorResult; Session.execute is typed for any statement.
    result = cast(CursorResult[Any], session.execute(delete(ProcessedRequest).where(ProcessedRequest.at < now - keep)))
    return result.rowcount or 0
