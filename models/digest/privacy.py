"""Digest's share of the data-subject rights: the channel subscriptions a person made.

After an erasure a subscription stays with the pseudonymised person, who is inactive: the
channel gets no more digests until someone subscribes it again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from models.core.errors import N_
from models.core.privacy import PrivacyPart, Scrubber, iso
from models.digest.tables import Subscription

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from models.core.context import Ctx
    from models.core.people import Person


def export(session: Session, person: Person) -> dict[str, Any]:
    subs = session.scalars(select(Subscription).where(Subscription.person_id == person.id).order_by(Subscription.id))
    return {"digest_subscriptions": [{"channel": s.channel, "channel_name": s.channel_name, "frequency": s.frequency,
                                      "time": s.at_time, "timezone": s.timezone, "since": iso(s.created_at)}
                                     for s in subs]}


def erase(ctx: Ctx, person: Person, scrub: Scrubber) -> dict[str, int]:
    return {}


PART = PrivacyPart("digest", export=export, erase=erase,
                   labels={"digest_subscriptions": N_("Channel digest subscriptions")})
