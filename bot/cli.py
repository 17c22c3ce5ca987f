"""``backoffice-bot``: serve, socket, console, scheduler, import, demo, db, manifest, job.

Each subcommand imports what it runs when it starts (the imports marked ``lazy``): loading
every desk, Bolt, waitress and APScheduler takes seconds, which ``backoffice-bot db current``,
``--help`` or a one-line error should not pay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlparse

from pydantic import SecretStr

from bot import logs
from bot.clock import Clock, FrozenClock
from bot.settings import Settings, SettingsError, load_settings
from models.core.errors import N_, NP_

if TYPE_CHECKING:
    from bot.runtime import Runtime


class CliError(Exception):
    """A setting or usage problem the operator can fix: one line in the default language, exit 2.

    ``message`` is an English message id with ``{name}`` placeholders filled from ``params``.
    """

    code = 2

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class CliRefused(CliError):
    """The request was understood and refused (nothing changed): exit 1."""

    code = 1


def say(settings: Settings, message: str, **params: Any) -> None:
    """Print a message id in the default language (``LOCALE_DEFAULT``)."""
    from bot.render import render_text  # Jinja and Babel load only for commands that print

    print(render_text(message, settings.locale_default, **params))


def _runtime(settings: Settings, *, upgrade: bool = False, clock: Clock | None = None) -> Runtime:
    from bot.compose import build_runtime  # lazy: see the module docstring

    runtime = build_runtime(settings, clock=clock)
    if upgrade:
        runtime.db.upgrade()
    elif not runtime.db.is_current():
        raise CliError(N_("The database schema is not up to date: run `backoffice-bot db upgrade` first."))
    return runtime


def _actor_id(runtime: Runtime, who: str | None) -> int | None:
    from models.core.people import find_person  # lazy: see the module docstring

    if not who:
        return None
    with runtime.db.session(readonly=True) as s:
        person = find_person(s, who)
        if person is None:
            raise CliError(N_("Nobody is known as “{who}”: use an e-mail or a Slack user id from the people file."),
                           who=who)
        return person.id


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db import Database  # lazy: see the module docstring

    db = Database(settings.database_url)
    if args.action == "upgrade":
        db.upgrade()
        say(settings, N_("The database is up to date."))
        return 0
    say(settings, N_("up to date") if db.is_current() else N_("needs `backoffice-bot db upgrade`"))
    return 0


STOPPED_BY_SIGTERM = N_("stopped by SIGTERM; what had not finished was rolled back.")


class _StopOnSigterm:
    """SIGTERM during an import: say so in the default language and exit 143 at once.

    The import is one transaction, so leaving is the rollback: the database drops what an
    unfinished transaction wrote when its connection goes (SQLite's journal likewise). Raising
    an exception from the handler instead can land inside the database driver mid-query and
    leave the connection unable even to roll back. The line is rendered before the import
    starts, so the handler only writes bytes.
    """

    line = b""

    def speak(self, locale: str) -> None:
        from bot.render import render_text  # Jinja and Babel load only for commands that print

        self.line = f"backoffice-bot: {render_text(STOPPED_BY_SIGTERM, locale)}\n".encode()

    def __call__(self, signum: int, _frame: FrameType | None) -> NoReturn:
        os.write(sys.stderr.fileno(), self.line)
        os._exit(128 + signum)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.imports_cli import run_import  # lazy: see the module docstring

    runtime = _runtime(settings)
    return run_import(runtime, args.kind, Path(args.file), actor_id=_actor_id(runtime, args.as_))


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import DemoRefused, load_demo  # lazy: see the module docstring

    runtime = _runtime(settings, upgrade=settings.is_sqlite)
    try:
        print(load_demo(runtime))
    except DemoRefused as refused:
        raise CliRefused(refused.message, **refused.params) from None
    return 0


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console.session import Console, NobodyKnown  # lazy: see the module docstring
    from bot.demo import demo_loaded, load_demo  # lazy: see the module docstring

    runtime = _runtime(settings, upgrade=settings.is_sqlite)
    if args.demo:
        if not demo_loaded(runtime):
            print(load_demo(runtime))
    try:
        console = Console(runtime, who=args.as_)
    except NobodyKnown as nobody:
        print(f"backoffice-bot: {nobody}", file=sys.stderr)
        return 2
    return console.run(sys.stdin)


def cmd_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.compose import build_registry  # lazy: see the module docstring
    from bot.slack.manifest import build_manifest  # lazy: see the module docstring

    if not args.socket and not args.url:
        raise CliError(N_("Say how Slack reaches the bot: --url https://your.host (HTTP) or --socket (Socket Mode)."))
    if args.url:
        url = urlparse(args.url)
        if url.scheme != "https" or not url.hostname:
            raise CliError(N_("--url must be the bot's public https address, like https://bot.example.com "
                              "(Slack calls only https); got “{url}”."), url=args.url)
    print(json.dumps(build_manifest(build_registry(), url=args.url, socket=args.socket,
                                     locale=settings.locale_default), indent=2, ensure_ascii=False))
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
        from bot.scheduler import start_in_background  # lazy: see the module docstring

        start_in_background(runtime)
    app = WebApp(runtime)
    serve(app, args.port or settings.port, threads=settings.web_threads)
    # Drained: what followed the last acks finishes, undelivered notifications go back to the outbox.
    app.shutdown(settings.shutdown_grace / 2)
    return 0


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops import serve_in_background  # lazy: see the module docstring
    from bot.scheduler import start_in_background  # lazy: see the module docstring
    from bot.slack.socket import run_socket  # lazy: see the module docstring

    settings.require("slack_bot_token", "slack_app_token")
    if settings.slack_signing_secret is None:
        # Socket Mode requests are not signed; Bolt still wants a value to build the app.
        settings = settings.model_copy(update={"slack_signing_secret": SecretStr("socket-mode-unsigned")})
    runtime = _runtime(settings)
    _check_slack_token(settings)
    if settings.run_scheduler:
        start_in_background(runtime)
    serve_in_background(runtime, settings.metrics_port)
    assert settings.slack_app_token is not None  # required above
    return run_socket(runtime, settings.slack_app_token.get_secret_value())


def cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from bot.ops import serve_in_background  # lazy: see the module docstring
    from bot.scheduler import run_forever  # lazy: see the module docstring

    runtime = _runtime(settings)
    serve_in_background(runtime, settings.metrics_port)
    run_forever(runtime)
    return 0


def cmd_job(args: argparse.Namespace, settings: Settings) -> int:
    from bot.compose import build_registry  # lazy: see the module docstring
    from bot.registry import JobSummary  # lazy: see the module docstring
    from bot.render import render_text  # lazy: see the module docstring

    at = _aware_time(args.at) if args.at else None
    registry = build_registry()
    locale = settings.locale_default
    names = [*registry.jobs, SWEEP]
    if args.name in (None, "list"):
        for listed in registry.jobs.values():
            _print_job(listed.name, listed.every_minutes, listed.help, locale)
        _print_job(SWEEP, 1, SWEEP_HELP, locale)
        return 0
    job = registry.jobs.get(args.name)
    if job is None and args.name != SWEEP:
        raise CliError(N_("There is no job “{name}”. Jobs: {jobs}."), name=args.name, jobs=", ".join(names))
    runtime = _runtime(settings, clock=FrozenClock(at) if at is not None else None)
    if job is not None:
        summary = job.run(runtime, runtime.clock.now())
        print(summary.text(locale) if isinstance(summary, JobSummary) else render_text(N_("Done."), locale))
    sent = runtime.sender.sweep()
    runtime.sender.wait_idle()
    if job is None and not sent:
        print(render_text(N_("Nothing was waiting in the outbox."), locale))
    elif job is None:
        print(render_text(NP_("{count} queued message sent.", "{count} queued messages sent."), locale, count=sent))
    return 0


SWEEP = "outbox.sweep"
SWEEP_HELP = N_("Send what waits in the outbox: retries that are due and whatever a stopped process left behind.")


def _print_job(name: str, every_minutes: int, help: str, locale: str) -> None:
    from bot.render import render_text  # lazy: see the module docstring

    if every_minutes % (60 * 24) == 0:
        every = render_text(NP_("every day", "every {count} days"), locale, plain=True, count=every_minutes // (60 * 24))
    elif every_minutes % 60 == 0:
        every = render_text(NP_("every hour", "every {count} hours"), locale, plain=True, count=every_minutes // 60)
    else:
        every = render_text(NP_("every minute", "every {count} min"), locale, plain=True, count=every_minutes)
    print(f"{name:28} {every:18} {render_text(help, locale, plain=True) if help else ''}")


def _aware_time(text: str) -> dt.datetime:
    """``--at``: an ISO 8601 time with its zone, or a CliError saying so."""
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CliError(N_("--at “{value}” is not a time: use ISO 8601 with a zone, e.g. 2026-11-25T09:00:00-03:00."),
                       value=text) from None
    if at.tzinfo is None:
        raise CliError(N_("--at needs a time zone, e.g. 2026-11-25T09:00:00-03:00."))
    return at


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
    stop = _StopOnSigterm()
    if args.command == "import":
        # An import is one transaction: stopped by SIGTERM (from the first moment), it changed nothing.
        stop.speak(_locale(None))
        signal.signal(signal.SIGTERM, stop)
    settings: Settings | None = None
    try:
        settings = load_settings()
        if args.command == "import":
            stop.speak(settings.locale_default)
        quiet = args.command in ("console", "demo", "import", "manifest", "db", "job")
        level = logging.WARNING if quiet else getattr(logging, settings.log_level.upper(), logging.INFO)
        logs.configure(level, json_lines=settings.log_format == "json", secrets=logs.secrets_of(settings))
        logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
        limit_library_logs(level)
        if settings.log_level.upper() == "DEBUG":
            logging.getLogger(__name__).setLevel(logging.DEBUG)
        return int(args.fn(args, settings) or 0)
    except SettingsError as exc:
        print(f"backoffice-bot: {exc}", file=sys.stderr)
        return 2
    except CliError as exc:
        from bot.render import render_text  # Jinja and Babel load only for commands that print

        print(f"backoffice-bot: {render_text(exc.message, _locale(settings), **exc.params)}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        print(f"backoffice-bot: {_explain(exc, settings)}", file=sys.stderr)
        logging.getLogger(__name__).debug("details", exc_info=True)
        return 2 if _is_database_error(exc) else 1


def _is_database_error(exc: Exception) -> bool:
    from sqlalchemy.exc import OperationalError  # only when something failed

    return isinstance(exc, OperationalError)


def _locale(settings: Settings | None) -> str:
    return settings.locale_default if settings is not None else "pt-BR"


def _explain(exc: Exception, settings: Settings | None) -> str:
    """An unexpected failure in one line of the default language (LOG_LEVEL=DEBUG shows the traceback)."""
    from bot.render import render_text  # Jinja and Babel load only for commands that print

    locale = _locale(settings)
    if _is_database_error(exc):
        orig = getattr(exc, "orig", exc)
        reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        if "no such table" in reason or "does not exist" in reason and "relation" in reason:
            return render_text("the database schema is behind the code: run `backoffice-bot db upgrade`.", locale)
        return render_text("database error ({reason}); is DATABASE_URL right and the server running?", locale,
                           reason=reason)
    return render_text("something went wrong ({reason}) and was stopped; run again with LOG_LEVEL=DEBUG for the "
                       "details.", locale, reason=type(exc).__name__)


if __name__ == "__main__":
    sys.exit(main())
