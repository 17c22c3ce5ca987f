"""Help and identity over signed HTTP, the first thing a new user types."""

from __future__ import annotations


def test_signed_help_gets_the_overview_within_three_seconds(bot, people):
    resp = bot.command("/backoffice", "help")
    assert resp.status == 200
    assert resp.elapsed < 3
    assert resp.json["response_type"] == "ephemeral"
    text = resp.text
    for command in ("/backoffice", "/stock", "/leave", "/trade", "/incident", "/digest"):
        if command.lstrip("/") in bot.runtime.registry.commands:
            assert command in text
    assert "Eduarda" in text  # greeted by name, in Portuguese
    assert "Olá" in text
