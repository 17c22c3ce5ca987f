"""``backoffice-bot``: serve, socket, console, scheduler, import, demo, db, manifest, job.

Each subcommand imports what it runs when it starts (the imports marked ``lazy``): loading
every desk, Bolt, gunicorn and APScheduler takes seconds, which ``backoffice-bot db current``,
``--help`` or a one-line error should not pay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock, FrozenClock
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.runtime import Runtime


class CliError(Exception):
    """A problem the operator can fix; printed as one line, no traceback."""


def _runtime(settings: Settings, *, upgrade: bool = False, clock: Clock | None = None) -> Runtime:
    from bot.compose import build_runtime  # lazy: see the module docstring

    runtime = build_runtime(settings, clock=clock)
    if upgrade:
        runtime.db.upgrade()
    elif not runtime.db.is_current():
        raise CliError("The database schema is not up to date: run `backoffice-bot db upgrade` first.")
    return runtime


def _actor_id(runtime: Runtime, who: str | None) -> int | None:
    from models.core.people import find_person  # lazy: see the module docstring

    if not who:
        return None
    with runtime.db.session(readonly=True) as s:
        person = find_person(s, who)
        if person is None:
            raise CliError(f"Nobody is known as {who!r}: use an e-mail or a Slack user id of an imported person.")
        return person.id


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import Database  # lazy: see the module docstring

    db = Database(settings.database_url)
    if args.action == "upgrade":
        db.upgrade()
        print("Database is up to date.")
        return 0
    print("up to date" if db.is_current() else "needs `backoffice-bot db upgrade`")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.imports_cli import run_import  # lazy: see the module docstring

    runtime = _runtime(settings)
    return run_import(runtime, args.kind, Path(args.file), actor_id=_actor_id(runtime, args.as_))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import load_demo  # lazy: see the module docstring

    runtime = _runtime(settings, upgrade=settings.is_sqlite)
    print(load_demo(runtime))
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.session import Console  # lazy: see the module docstring
    from bot.demo import demo_loaded, load_demo  # lazy: see the module docstring

    runtime = _runtime(settings, upgrade=settings.is_sqlite)
    if args.demo:
        if not demo_loaded(runtime):
            print(load_demo(runtime))
    return Console(runtime, who=args.as_).run(sys.stdin)


def cmd_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.compose import build_registry  # lazy: see the module docstring
    from bot.slack.manifest import build_manifest  # lazy: see the module docstring

    if not args.socket and not args.url:
        raise CliError("Say how Slack reaches the bot: --url https://your.host (HTTP) or --socket (Socket Mode).")
    print(json.dumps(build_manifest(build_registry(), url=args.url, socket=args.socket), indent=2, ensure_ascii=False))
    return 0


def _check_slack_token(settings: Settings) -> None:
    """Stop now, with one line, if Slack rejects the token; a Slack outage only warns."""
    from bot.slack.client import token_refused  # lazy: see the module docstring

    refused = token_refused(settings)
    if refused:
        raise CliError(refused)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve  # lazy: see the module docstring
    from bot.slack.web import WebApp  # lazy: see the module docstring

    settings.require("slack_bot_token", "slack_signing_secret")
    runtime = _runtime(settings)  # fails fast if the schema is behind
    _check_slack_token(settings)
    if settings.run_scheduler:
        from bot.scheduler import start_in_background

        start_in_background(runtime)
    serve(WebApp(runtime), args.port or settings.port, threads=settings.web_threads)
    runtime.sender.wait_idle(timeout=30)  # notifications queued by the last requests leave before exit
    return 0


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    from bot.scheduler import start_in_background  # lazy: see the module docstring
    from bot.slack.socket import run_socket_mode  # lazy: see the module docstring

    settings.require("slack_bot_token", "slack_app_token")
    if settings.slack_signing_secret is None:
        # Socket Mode requests are not signed; Bolt still wants a value to build the app.
        settings = settings.model_copy(update={"slack_signing_secret": "socket-mode-unsigned"})
    runtime = _runtime(settings)
    _check_slack_token(settings)
    if settings.run_scheduler:
        start_in_background(runtime)
    assert settings.slack_app_token is not None  # required above
    run_socket_mode(runtime, settings.slack_app_token.get_secret_value())
    return 0


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from bot.scheduler import run_forever  # lazy: see the module docstring

    runtime = _runtime(settings)
    run_forever(runtime)
    return 0


def cmd_job(args: argparse.Namespace, settings: Settings) -> int:
    from bot.compose import build_registry  # lazy: see the module docstring

    registry = build_registry()
    if args.name in (None, "list"):
        for each in registry.jobs.values():
            print(f"{each.name:28} every {each.every_minutes} min  {each.help}")
        return 0
    job = registry.jobs.get(args.name)
    if job is None:
        raise CliError(f"No job {args.name!r}. Jobs: {', '.join(registry.jobs) or 'none yet'}.")
    at = dt.datetime.fromisoformat(args.at) if args.at else None
    if at is not None and at.tzinfo is None:
        raise CliError("--at needs a time zone, e.g. 2026-11-25T09:00:00-03:00")
    runtime = _runtime(settings, clock=FrozenClock(at) if at is not None else None)
    print(job.run(runtime, runtime.clock.now()) or "done")
    runtime.sender.sweep()
    runtime.sender.wait_idle()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backoffice-bot", description="The back office, run from Slack.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="HTTP app: /slack/events and /healthz (waitress)")
    p.add_argument("--port", type=int)
    p.set_defaults(fn=cmd_serve)
    sub.add_parser("socket", help="Socket Mode (no public URL needed)").set_defaults(fn=cmd_socket)
    p = sub.add_parser("console", help="chat with the bot in this terminal, no Slack needed")
    p.add_argument("--as", dest="as_", metavar="EMAIL|SLACK_ID", help="who you are (default: the first admin)")
    p.add_argument("--demo", action="store_true", help="load the demo data first if the database is empty")
    p.set_defaults(fn=cmd_console)
    sub.add_parser("scheduler", help="the clock process: digests, reminders, cut-off, SLAs, outbox").set_defaults(
        fn=cmd_scheduler)
    p = sub.add_parser("import", help="import a CSV or XLSX file, all or nothing")
    p.add_argument("kind", help="people, stock, trades or confirmations")
    p.add_argument("file")
    p.add_argument("--as", dest="as_", metavar="EMAIL|SLACK_ID", help="who is importing (recorded in the audit)")
    p.set_defaults(fn=cmd_import)
    sub.add_parser("demo", help="load the demo data set").set_defaults(fn=cmd_demo)
    p = sub.add_parser("db", help="database schema")
    p.add_argument("action", choices=["upgrade", "current"])
    p.set_defaults(fn=cmd_db)
    p = sub.add_parser("manifest", help="print the Slack app manifest")
    p.add_argument("--url", help="public base URL, e.g. https://bot.example.com")
    p.add_argument("--socket", action="store_true", help="Socket Mode manifest")
    p.set_defaults(fn=cmd_manifest)
    p = sub.add_parser("job", help="run one periodic job now (or `list`)")
    p.add_argument("name", nargs="?")
    p.add_argument("--at", help="pretend it is this time (ISO 8601 with zone)")
    p.set_defaults(fn=cmd_job)
    return parser


def limit_library_logs(level: int) -> None:
    """The Slack libraries' DEBUG lines carry whole messages (names, leave notes, health data):
    they never go below INFO, whatever LOG_LEVEL says (LGPD)."""
    for name in ("slack_sdk", "slack_bolt"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        quiet = args.command in ("console", "demo", "import", "manifest", "db", "job")
        level = logging.WARNING if quiet else getattr(logging, settings.log_level.upper(), logging.INFO)
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
        limit_library_logs(level)
        return int(args.fn(args, settings) or 0)
    except (SettingsError, CliError) as exc:
        print(f"backoffice-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one line for the operator, not a traceback
        from sqlalchemy.exc import OperationalError  # lazy: see the module docstring

        if isinstance(exc, OperationalError):
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            if "no such table" in reason or "does not exist" in reason and "relation" in reason:
                print("backoffice-bot: the database schema is behind the code: run `backoffice-bot db upgrade`.",
                      file=sys.stderr)
            else:
                print(f"backoffice-bot: database error ({reason}); is DATABASE_URL right and the server running?",
                      file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
