"""What a desk's digest section reads: who gets a digest now (the runtime's ``bot.registry.DigestScope``)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import pandas as pd


class DigestScope(Protocol):
    """``managers``: one row per recipient (person_id, name, slack_user_id, team, roles, country,
    subdivision, timezone, locale, day); ``now``: the run's aware UTC time."""

    @property
    def managers(self) -> pd.DataFrame: ...

    @property
    def now(self) -> dt.datetime: ...
