"""What a desk's digest section reads: who gets a digest now (the runtime's ``bot.registry.DigestScope``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd  # annotations only: importing pandas here would load it in every web process


class DigestScope(Protocol):
    """``managers``: one row per recipient (person_id, name, slack_user_id, team, roles, country,
    subdivision, timezone, locale, day); ``now``: the run's aware UTC time; ``days_off``: the
    company's days off (for a section that looks ahead to the next business day)."""

    @property
    def managers(self) -> pd.DataFrame: ...

    @property
    def now(self) -> dt.datetime: ...

    @property
    def days_off(self) -> frozenset[dt.date]: ...
