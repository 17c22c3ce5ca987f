"""`backoffice-bot import people FILE`: who works here, their managers, zones, languages and roles."""

from __future__ import annotations

import pandas as pd

from bot.declare import importer
from models.core.context import Ctx
from models.core.imports import ImportSummary
from models.core.people_imports import OPTIONAL, REQUIRED, import_people


@importer("people", required=REQUIRED, optional=OPTIONAL,
          help="people.csv: email, name, manager_email, team, country, subdivision, timezone, locale, roles")
def people(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    return import_people(ctx, table)
