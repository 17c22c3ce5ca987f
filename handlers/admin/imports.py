"""`backoffice-bot import people FILE`: who works here, their managers, zones, languages and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.declare import importer
from models.core.context import Ctx
from models.core.imports import ImportSummary
from models.core.people_columns import OPTIONAL, REQUIRED

if TYPE_CHECKING:
    import pandas as pd


@importer("people", required=REQUIRED, optional=OPTIONAL,
          help="people.csv: email, name, manager_email, team, country, subdivision, timezone, locale, roles")
def people(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    # Lazy: the importer (and pandas under it) loads when a file comes, not in every web process.
    from models.core.people_imports import import_people

    return import_people(ctx, table)
