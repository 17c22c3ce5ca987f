"""The migrations build exactly the schema the models describe (on the database under test)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

import models
from bot.db import Database
from models.core.base import Base


def test_migrated_schema_matches_the_models(database_url):
    models.load_all()
    engine = create_engine(database_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == [], diff


def test_every_alembic_head_is_applied(database_url):
    assert Database(database_url).is_current()


def test_constraints_follow_the_naming_convention(database_url):
    models.load_all()
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"
