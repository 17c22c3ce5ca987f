"""The console speaks the same commands, with buttons as numbered choices and notifications shown."""

from __future__ import annotations

import io

from bot.console.session import Console

ADMIN = "eduarda.silva@empresa.com.br"


def test_console_runs_commands_and_shows_notifications_to_others(people):
    out = io.StringIO()
    console = Console(people, who=ADMIN, out=out)
    console.handle_line("/backoffice role mariana.souza@empresa.com.br manager")
    text = out.getvalue()
    assert "Mariana Souza agora tem os papéis" in text
    assert "DM → Mariana Souza" in text  # the notification she would get in Slack
    console.handle_line(":as mariana.souza@empresa.com.br")
    console.handle_line("/backoffice whoami")
    assert "gestor" in out.getvalue().split("Agora você é Mariana Souza.")[1]


def test_console_free_text_and_unknown_commands_get_help(people):
    out = io.StringIO()
    console = Console(people, who=ADMIN, out=out)
    console.handle_line("bom dia!")
    console.handle_line("/nope")
    text = out.getvalue()
    assert "Não entendi" in text
    assert "Não existe o comando /nope" in text
