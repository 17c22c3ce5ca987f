"""/backoffice: overview, who am I, roles and people (admins); the people importer; housekeeping;
the outbox's dead letters."""

from __future__ import annotations

from bot.registry import Registry
from handlers.admin import commands, imports, jobs, outbox, privacy
from models.core.errors import N_


def register(registry: Registry) -> None:
    registry.command("backoffice", summary=N_("overview and administration: who am I, roles, people, outbox"),
                     usage_hint="help | whoami | role @user <role> | people | outbox | privacy export|erase <person>")
    registry.scan("admin", jobs, imports, commands, outbox, privacy)
