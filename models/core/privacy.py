"""LGPD data-subject rights: what every desk contributes, and the scrubbing they share.

Privacy touches every desk, and no desk imports another: each ``models/<desk>/privacy.py``
declares a :class:`PrivacyPart` (export its rows about a person, erase them, expire health
details), its handlers desk registers it, and :mod:`models.core.privacy_flow` runs them all
with the platform's own tables (people, audit trail, outbox, job runs).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.core.base import Base

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx
    from models.core.people import Person

# Free text shorter than this is blanked only where it is a whole value: as a substring it
# could be part of anything ("ok" inside "book").
MIN_SUBSTRING = 8
REMOVED = "[…]"


class PrivacyErasure(Base):
    """The fact that a person was erased, under their pseudonym (never their identity)."""

    __tablename__ = "privacy_erasures"
    __table_args__ = (UniqueConstraint("pseudonym"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime]


class AuditSummary(Base):
    """How many audit records of one kind a month held, kept after the records themselves expire."""

    __tablename__ = "audit_summaries"
    __table_args__ = (UniqueConstraint("month", "action", "entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # 2024-03
    action: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(80))
    count: Mapped[int]
    first_at: Mapped[dt.datetime]
    last_at: Mapped[dt.datetime]


def new_pseudonym() -> str:
    """``anon-3f9a2c``: says nothing about who it was, the same in every language."""
    return f"anon-{secrets.token_hex(3)}"


class Scrubber:
    """Replaces a person's identity (name, e-mail, Slack id) with their pseudonym, and blanks
    the free text they wrote, in any text or JSON value."""

    def __init__(self, identity: Iterable[str], pseudonym: str, removed: Iterable[str] = ()) -> None:
        self.pseudonym = pseudonym
        self.identity = [v for v in identity if v]
        # Whole words only: erasing "Ana Silva" must not touch "Joana Silva".
        self._patterns = [re.compile(r"(?<!\w)" + re.escape(v) + r"(?!\w)", re.IGNORECASE) for v in self.identity]
        self.removed: set[str] = set(removed)

    @classmethod
    def of(cls, person: Person, pseudonym: str) -> Scrubber:
        """The scrubber of an erasure: ``person``'s name, e-mail and Slack id become ``pseudonym``."""
        return cls([v for v in (person.name, person.email, person.slack_user_id) if v], pseudonym)

    def forget(self, *texts: str | None) -> None:
        """Remember free text that a desk removes, so that copies elsewhere (outbox, audit) go too."""
        self.removed.update(t for t in texts if t and t.strip())

    @property
    def needles(self) -> list[str]:
        """Strings whose presence marks a row to rewrite (as stored, JSON escapes included)."""
        found: set[str] = set()
        for value in [*self.identity, *self.removed]:
            found.add(value)
            found.add(json.dumps(value)[1:-1])  # JSON columns keep "Quésia" as "Qu\u00e9sia"
        return sorted(found)

    def text(self, value: str | None) -> str | None:
        if value is None:
            return None
        if value in self.removed:
            return REMOVED
        for removed in self.removed:
            if len(removed) >= MIN_SUBSTRING and removed in value:
                value = value.replace(removed, REMOVED)
        for pattern in self._patterns:
            value = pattern.sub(self.pseudonym, value)
        return value

    def value(self, value: Any) -> Any:
        """``value`` (JSON: dicts, lists, strings) with every string scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def touches(self, value: Any) -> bool:
        return self.value(value) != value


@dataclass
class Retention:
    """What the retention job asks of each desk: health details of leave that ended before
    ``health_before`` go. ``removed`` collects the texts dropped, for the outbox and audit copies."""

    now: dt.datetime
    health_before: dt.date
    removed: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PrivacyPart:
    """One desk's share of the data-subject rights.

    ``export(session, person)`` returns ``{section: data}`` (JSON-able, other people only by id);
    ``erase(ctx, person, scrubber)`` pseudonymises and removes the person's rows and returns
    ``{what: count}``; ``expire(ctx, retention)`` removes expired health details and returns
    how many. ``labels`` names each export section for people (English message ids).
    ``subjects(session, person)`` gives ``{table: ids}`` of the desk's rows about the person (their
    leave requests, the trades they booked...): the audit records others wrote about those rows go
    in the export too, without their values (they may hold other people's data).
    """

    desk: str
    export: Callable[[Session, Person], dict[str, Any]]
    erase: Callable[[Ctx, Person, Scrubber], dict[str, int]]
    expire: Callable[[Ctx, Retention], int] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    subjects: Callable[[Session, Person], dict[str, list[int]]] | None = None


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """Dates and times in an export: ISO 8601 (times in UTC)."""
    return value.isoformat() if value is not None else None


def plain(value: Any) -> Any:
    """Decimals and other non-JSON values as strings, for an export."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def rows(items: Iterable[Any], *columns: str) -> list[dict]:
    """Plain dicts of ``columns`` of each ORM row (values made JSON-able)."""
    return [{c: plain(getattr(item, c)) for c in columns} for item in items]
