"""The command line as an operator meets it: clear one-line errors, the manifest, the console."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cast import MARIANA

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict | None = None, cwd: Path | None = None, stdin: str | None = None,
        timeout: int = 120) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "TZ_DEFAULT",
                                                                      "LOCALE_DEFAULT", "PORT"))}
    base.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=base, cwd=cwd or ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("env,expected", [
    ({}, "SLACK_BOT_TOKEN is not set"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET is not set"),
    ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "expected a bot token starting with xoxb-"),
    ({"DATABASE_URL": "mysql://db/x"}, "DATABASE_URL is invalid"),
    ({"TZ_DEFAULT": "Mars/Olympus"}, "TZ_DEFAULT is invalid: expected an IANA time zone"),
    ({"PORT": "http"}, "PORT is invalid"),
    ({"DIGEST_TIME": "9h"}, "DIGEST_TIME is invalid: expected a time of day as HH:MM"),
])
def test_a_missing_or_bad_setting_stops_with_one_clear_line(tmp_path, env, expected):
    result = cli("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_a_secret_is_never_echoed_in_a_settings_error(tmp_path):
    result = cli("serve", env={"SLACK_BOT_TOKEN": "xoxp-super-secret-value", "SLACK_SIGNING_SECRET": "shh"},
                 cwd=tmp_path)
    assert "super-secret" not in result.stderr + result.stdout


def test_manifest_lists_every_command_scope_and_endpoint():
    from bot.compose import build_registry

    result = cli("manifest", "--url", "https://bot.example.com")
    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/" + name for name in build_registry().commands}
    assert all(c["url"] == "https://bot.example.com/slack/events" for c in commands.values())
    assert manifest["settings"]["interactivity"]["request_url"] == "https://bot.example.com/slack/events"
    assert "app_mention" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"commands", "chat:write", "users:read"} <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    socket = json.loads(cli("manifest", "--socket").stdout)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "url" not in socket["features"]["slash_commands"][0]


def test_manifest_without_a_target_explains_the_choice():
    result = cli("manifest")
    assert result.returncode == 2 and "--url" in result.stderr and "--socket" in result.stderr
    assert "Diga como o Slack chega ao bot" in result.stderr  # the default language, pt-BR


@pytest.mark.parametrize("url", ["example.com", "http://bot.example.com", "https://", "ftp://bot.example.com"])
def test_manifest_wants_an_https_address_with_a_host(url):
    result = cli("manifest", "--url", url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "https" in result.stderr and url in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_usage_hints_list_every_subcommand_of_the_registry():
    from bot.compose import build_registry

    manifest = json.loads(cli("manifest", "--socket").stdout)
    hints = {c["command"]: c["usage_hint"] for c in manifest["features"]["slash_commands"]}
    assert "pending" in hints["/leave"] and "types" in hints["/leave"]
    assert "accept" in hints["/trade"]
    for name, cmd in build_registry().commands.items():
        for entry in cmd.entries():
            if entry.name:
                assert entry.name in hints["/" + name], (name, entry.name)


def test_the_readme_console_command_works_on_a_fresh_directory(tmp_path):
    """README: `backoffice-bot console --demo` on a new SQLite file answers help and whoami."""
    result = cli("console", "--demo", cwd=tmp_path, stdin="/backoffice help\n/backoffice whoami\n")
    assert result.returncode == 0, result.stderr
    assert "Ajuda do backoffice-bot" in result.stdout
    assert "Eduarda Silva" in result.stdout and "Quem sou eu" in result.stdout
    assert (tmp_path / "backoffice.db").exists()
    again = cli("console", "--as", MARIANA, cwd=tmp_path, stdin="/backoffice whoami\n")
    assert "Mariana Souza" in again.stdout and "Tiago Costa" in again.stdout
    unknown = cli("console", "--as", "x@y.z", cwd=tmp_path, stdin="/backoffice whoami\n")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.strip().splitlines() == [
        "backoffice-bot: Não conheço ninguém como “x@y.z”: use um e-mail ou um id de usuário do Slack do arquivo "
        "de pessoas."]


def test_demo_on_a_used_database_says_so_in_one_line(tmp_path):
    first = cli("demo", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demonstração: people.csv importado: 24 criados" in first.stdout
    again = cli("demo", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        "backoffice-bot: Este banco de dados já tem pessoas, então a demonstração não foi carregada (ela se "
        "misturaria aos dados reais). Aponte DATABASE_URL para um banco novo, ou rode `backoffice-bot console` "
        "para usar este."]


def test_a_corrupt_or_empty_spreadsheet_is_refused_in_one_clear_line(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    assert cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    corrupt = tmp_path / "people.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    for path, expected in ((corrupt, "não é uma pasta de trabalho XLSX"), (empty, "O arquivo está vazio")):
        result = cli("import", "people", str(path), env=env, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert "O arquivo foi recusado e nada foi alterado: 1 problema." in result.stderr
        assert expected in result.stderr


@pytest.mark.parametrize("args,code,expected", [
    (["job", "leave.reminders", "--at", "garbage"], 2, "--at “garbage” não é um horário"),
    (["job", "leave.reminders", "--at", "2026-11-25T09:00"], 2, "--at precisa de fuso horário"),
    (["job", "no.such.job"], 2, "Não existe a tarefa “no.such.job”"),
    (["import", "widgets", "x.csv"], 2, "widgets"),
    (["import", "people", "x.csv", "--as", "ghost@empresa.com.br"], 2, "Não conheço ninguém como"),
    (["import", "people", "missing.csv"], 1, "missing.csv"),
    (["serve", "--port", "abc"], 2, "invalid int value"),
    (["frobnicate"], 2, "invalid choice"),
])
def test_usage_errors_exit_2_and_refusals_exit_1_with_no_traceback(tmp_path, args, code, expected):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'j.db'}"}
    assert cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    result = cli(*args, env=env, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_job_list_shows_every_registered_job(tmp_path):
    from bot.compose import build_registry

    result = cli("job", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in [*build_registry().jobs, "outbox.sweep"]:
        assert name in result.stdout
    assert "leave.reminders              a cada hora" in result.stdout and "todo dia" in result.stdout
    assert "Lembra quem aprova" in result.stdout  # each job's help in the operator's language
    english = cli("job", "list", env={"LOCALE_DEFAULT": "en"}, cwd=tmp_path).stdout
    assert "every hour" in english and "Remind approvers" in english and "a cada" not in english


def test_the_outbox_sweep_runs_from_the_command_line(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'j.db'}"}
    assert cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    result = cli("job", "outbox.sweep", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Nada esperava na fila de saída."


def test_db_upgrade_then_current(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    assert "precisa de `backoffice-bot db upgrade`" in cli("db", "current", env=env, cwd=tmp_path).stdout
    assert cli("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    assert cli("db", "current", env=env, cwd=tmp_path).stdout.strip() == "atualizado"
    english = cli("db", "current", env={**env, "LOCALE_DEFAULT": "en"}, cwd=tmp_path)
    assert english.stdout.strip() == "up to date"


def test_serve_refuses_a_database_that_is_behind(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'y.db'}", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    result = cli("serve", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "db upgrade" in result.stderr


def test_the_manifest_speaks_the_houses_language():
    pt = json.loads(cli("manifest", "--socket").stdout)  # LOCALE_DEFAULT: pt-BR
    en = json.loads(cli("manifest", "--socket", env={"LOCALE_DEFAULT": "en"}).stdout)
    pt_stock = next(c for c in pt["features"]["slash_commands"] if c["command"] == "/stock")
    en_stock = next(c for c in en["features"]["slash_commands"] if c["command"] == "/stock")
    assert pt_stock["description"].startswith("disponibilidade por depósito")
    assert "código de barras" in pt_stock["usage_hint"] and "watch [sku]" in pt_stock["usage_hint"]
    assert en_stock["description"].startswith("availability per warehouse")
    assert pt["features"]["shortcuts"][0]["name"] == "Reportar incidente"
    assert en["features"]["shortcuts"][0]["name"] == "Report incident"
    assert pt["display_information"]["description"].startswith("Estoque, folgas")
