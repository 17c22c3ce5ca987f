"""The console: the same registry and handlers, in a terminal, with no Slack at all.

Type what you would type in Slack (``/stock parafuso``) or talk to it like a DM. Buttons come
back as numbered choices (type the number), forms as prompts. Notifications that would go to
other people or channels are printed too, so you can follow the whole story.
"""

from __future__ import annotations

import base64
import itertools
import logging
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import select

from bot import i18n
from bot.answers import Answer, Closed, FieldErrors, Message, Modal, render_answer
from bot.console.forms import ask_view
from bot.console.text import Choice, render_message
from bot.dispatch import dispatch_action, dispatch_command, dispatch_text, dispatch_view
from bot.outbox import Sent
from bot.render import render, render_error, render_text
from bot.replies import ModalErrors
from bot.request import Request
from bot.runtime import Runtime
from models.core.errors import DomainError
from models.core.outbox import OutboxMessage
from models.core.people import Person, PersonRole, Role, find_person

log = logging.getLogger(__name__)
_ts = itertools.count(1)


class Console:
    """A read-eval-print loop over the registry.

    It runs on its own runtime (the same database, registry and clock as ``runtime``) whose
    outbox delivers by printing into the console's inbox, shown after each line.
    """

    def __init__(self, runtime: Runtime, who: str | None = None, out: TextIO = sys.stdout) -> None:
        self.out = out
        self.inbox: list[str] = []
        self.runtime = runtime.with_delivery(self._deliver)
        self.person_id = self._find(who)
        self.choices: list[Choice] = []
        self.channel = "console"
        self._files_dir: Path | None = None

    # -- who am I ---------------------------------------------------------------------------
    def _find(self, who: str | None) -> int:
        with self.runtime.db.session(readonly=True) as s:
            if who:
                person = find_person(s, who)
                if person is None:
                    raise SystemExit(f"backoffice-bot: nobody is known as {who!r}; try an e-mail from the people file.")
                return person.id
            person = s.scalar(select(Person).join(PersonRole).where(PersonRole.role == Role.admin.value)
                              .order_by(Person.id).limit(1)) or s.scalar(select(Person).order_by(Person.id).limit(1))
            if person is None:
                raise SystemExit("backoffice-bot: nobody is known yet; run with --demo or import people first.")
            return person.id

    def _me(self) -> tuple[str, str, str]:
        with self.runtime.db.session(readonly=True) as s:
            p = s.get(Person, self.person_id)
            assert p is not None
            locale = i18n.normalize_locale(p.locale, self.runtime.settings.locale_default)
            return p.name, locale, p.timezone or self.runtime.settings.tz_default

    # -- loop -------------------------------------------------------------------------------
    def run(self, stdin: TextIO) -> int:
        logging.getLogger().setLevel(logging.WARNING)
        interactive = stdin.isatty()
        if interactive:
            try:
                # Line editing and history for input(); only a terminal needs it (and not every
                # platform has it), so it is imported here.
                import readline  # noqa: F401
            except ImportError:
                pass
        name, locale, _ = self._me()
        self.say(render_text("You are {name}. Type /backoffice help, a command, or a question; "
                             ":as <e-mail> to switch person, :quit to leave.", locale, name=name))
        while True:
            try:
                line = input("> ") if interactive else stdin.readline()
            except EOFError:
                break
            if not interactive and line == "":
                break
            line = line.strip()
            if not line:
                continue
            if line in (":quit", ":q", "exit", "quit"):
                break
            self.handle_line(line, stdin)
        return 0

    def handle_line(self, line: str, stdin: TextIO | None = None) -> None:
        """One line as a Slack user would type it: a command, a choice number, or free text."""
        if line.startswith(":as "):
            self.person_id = self._find(line[4:].strip())
            name, locale, _ = self._me()
            self.say(render_text("You are now {name}.", locale, name=name))
            return
        if line.isdigit() and self.choices:
            index = int(line) - 1
            if not 0 <= index < len(self.choices):
                self.say(f"1..{len(self.choices)}")
                return
            choice = self.choices[index]

            def action(req: Request) -> Any:
                req.action_id, req.value = choice.action_id, choice.value
                return dispatch_action(self.runtime.registry, req)

            self._run(action, stdin)
            return
        if line.startswith("/"):
            name, _, text = line[1:].partition(" ")

            def command(req: Request) -> Any:
                req.text = text
                return dispatch_command(self.runtime.registry, name.lower(), req)

            self._run(command, stdin)
            return

        def chat(req: Request) -> Any:
            req.text = line
            return dispatch_text(self.runtime.registry, req)

        self._run(chat, stdin)

    # -- the recipe, as in Slack -------------------------------------------------------------
    def _run(self, handle: Callable[[Request], Any], stdin: TextIO | None, values: dict | None = None) -> None:
        _, locale, tz = self._me()
        try:
            with self.runtime.unit_of_work(actor=self.person_id, source="console",
                                           request_key=f"console:{uuid.uuid4().hex}") as ctx:
                req = Request(self.runtime, ctx, source="console", channel_id=self.channel)
                if values is not None:
                    req.values = values
                shown = self._answer(handle(req), req)
        except _FormErrors:
            raise
        except DomainError as err:
            if values is not None:  # a form: show the error next to its field and ask again
                raise _FormErrors({err.field or "form": render_text(err.message, locale, **err.params)}) from None
            self._show_message(render_error(err, locale=locale, tz=tz))
            return
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("console error %s", ref)
            self._show_message(render("platform/apology", {"ref": ref}, locale=locale, tz=tz))
            return
        self.runtime.sender.wait_idle()
        match shown:
            case Message(message=message) | Closed(then=Message(message=message)):
                self._show_message(message)
            case FieldErrors(errors=errors):
                self._show_message({"text": "\n".join(f"{k}: {v}" for k, v in errors.items())})
            case Modal(view=view) if stdin is not None:
                self._fill_modal(view, stdin)
        self._flush_inbox()

    def _answer(self, result: Any, req: Request) -> Answer:
        """The handler's answer, rendered; a reply's files are saved here and said so in it."""
        answer = render_answer(result, req)
        shown = answer.then if isinstance(answer, Closed) else answer
        if isinstance(shown, Message):
            for f in shown.reply.files:
                path = self._save(f.filename, f.content)
                shown.message.setdefault("text", "")
                shown.message.setdefault("blocks", []).append({"type": "context", "elements": [
                    {"type": "mrkdwn", "text": render_text("File saved: {path}", req.locale, path=path)}]})
        return answer

    def _fill_modal(self, view: dict, stdin: TextIO) -> None:
        _, locale, _ = self._me()
        values = ask_view(view, stdin, self.out, locale)
        if values is None:
            self.say(render_text("Form cancelled; nothing was sent.", locale))
            return
        callback_id = view.get("callback_id", "")
        metadata = view.get("private_metadata", "")

        def submit(req: Request) -> Any:
            req.private_metadata = metadata
            result = dispatch_view(self.runtime.registry, callback_id, req)
            if isinstance(result, ModalErrors):
                raise _FormErrors({k: req.t(v) for k, v in result.errors.items()})
            return result

        try:
            self._run(submit, stdin, values=values)
        except _FormErrors as errs:
            for block_id, message in errs.errors.items():
                self.say(f"  ! {block_id}: {message}")
            self.say(render_text("Let's try the form again.", locale))
            self._fill_modal(view, stdin)

    # -- output -------------------------------------------------------------------------------
    def _show_message(self, msg: dict) -> None:
        self.choices = []
        self.say(render_message(msg, self.choices))

    def _save(self, filename: str, content: bytes) -> str:
        """Files for people go to a temporary folder, never into the current directory."""
        if self._files_dir is None:
            self._files_dir = Path(tempfile.mkdtemp(prefix="backoffice-bot-"))
        path = self._files_dir / Path(filename).name
        path.write_bytes(content)
        return str(path)

    def _deliver(self, row: OutboxMessage, content: dict) -> Sent:
        where = row.channel or (f"DM → {row.person.name}" if row.person else "?")
        if row.updates is not None:
            where = f"{where} (updated)"
        text = render_message(content, [])
        locale = i18n.normalize_locale(row.person.locale if row.person else None, self.runtime.settings.locale_default)
        for spec in (row.data or {}).get("files") or []:
            data = base64.b64decode(spec["base64"]) if "base64" in spec else str(spec.get("text", "")).encode()
            text += "\n" + render_text("File saved: {path}", locale, path=self._save(spec["filename"], data))
        self.inbox.append(f"  ┌─ {where}\n" + "\n".join("  │ " + line for line in text.splitlines()))
        return Sent(row.channel or "D-console", f"{next(_ts)}.000100")

    def _flush_inbox(self) -> None:
        if self.inbox:
            self.say("\n".join(self.inbox))
            self.inbox.clear()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


class _FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form errors")
        self.errors = errors
