"""Every entry point refuses unsigned, wrongly signed and replayed requests, and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import models
from models.core.base import Base

BAD = [{"signed": False}, {"secret": "wrong-secret"}, {"age": 5 * 60 + 30}]


def _row_counts(runtime) -> dict[str, int]:
    models.load_all()
    with runtime.db.session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def _every_command_line(registry) -> list[tuple[str, str]]:
    lines = []
    for cmd in registry.commands.values():
        lines.append((cmd.slash, ""))
        for name in {e.name for e in cmd.subcommands.values()}:
            lines.append((cmd.slash, f"{name} x"))
    return lines


@pytest.mark.parametrize("bad", BAD, ids=["unsigned", "wrong-secret", "replayed-after-5-min"])
def test_bad_signatures_get_401_and_change_nothing(bot, people, runtime, standin, bad):
    before = _row_counts(runtime)
    statuses = []
    for command, text in _every_command_line(runtime.registry):
        statuses.append(bot.command(command, text, user="U0UNKNOWN1", **bad).status)
    for action_id in runtime.registry.actions:
        statuses.append(bot.click((action_id, "1"), **bad).status)
    for callback_id in runtime.registry.views:
        statuses.append(bot.submit({"callback_id": callback_id, "blocks": []}, {}, **bad).status)
    statuses.append(bot.mention("tem parafuso?", **bad).status)
    statuses.append(bot.dm("oi", **bad).status)
    assert set(statuses) == {401}
    assert _row_counts(runtime) == before
    # Not even a users.info for the stranger (the app's own start-up auth.test aside).
    assert [c.method for c in standin.calls if c.method != "auth.test"] == []
