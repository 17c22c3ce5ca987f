"""Platform bookkeeping: requests already acted on, job periods already claimed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ProcessedRequest(Base):
    """A Slack request (event id or trigger id) whose changes are committed.

    Inserted in the same transaction as the changes, so a retry that races the first
    attempt fails on the primary key instead of acting twice, whichever process gets it.
    """

    __tablename__ = "processed_requests"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
