"""/backoffice: overview, who am I, roles and people (admins); the people importer; housekeeping."""

from __future__ import annotations

from bot.registry import Registry
from handlers.admin import commands, imports, jobs, privacy
from models.core.errors import N_


def register(registry: Registry) -> None:
    registry.command("backoffice", summary=N_("overview and administration: who am I, roles, people"),
                     usage_hint="help | whoami | role @user <role> | people | privacy export|erase <person>")
    registry.scan("admin", jobs, imports, commands, privacy)
