"""The console: the same registry and handlers, in a terminal, with no Slack at all.

Type what you would type in Slack (``/stock parafuso``) or talk to it like a DM. Buttons come
back as numbered choices (type the number; every message's buttons stay usable), forms as
prompts. Notifications that would go to other people or channels are printed too, so you can
follow the whole story; files are saved in a temporary folder. ``:help`` lists the console's
own commands.
"""

from __future__ import annotations

import logging
import sys
import uuid
from typing import Any, TextIO

from sqlalchemy import select

from bot import i18n
from bot.console.channels import HERE, ConsoleChannels
from bot.console.forms import ask_view, label_of
from bot.console.inbox import Files, Inbox, next_ts
from bot.console.text import Choice, Names, render_message
from bot.dispatch import dispatch_action, dispatch_command, dispatch_text, dispatch_view
from bot.render import error_text, render, render_error, render_text
from bot.replies import CloseModal, ModalErrors, OpenModal, Reply
from bot.request import Request
from bot.runtime import Runtime
from models.core.errors import DomainError
from models.core.people import Person, PersonRole, Role, find_person

log = logging.getLogger(__name__)
QUIT = (":quit", ":q", ":exit")


class NobodyKnown(Exception):
    """``--as`` names nobody (the message is ready to print), or there are no people yet."""


class Console:
    """A read-eval-print loop over the registry."""

    def __init__(self, runtime: Runtime, who: str | None = None, out: TextIO = sys.stdout, *,
                 transport: bool = True) -> None:
        """``transport=False`` leaves the runtime's sender and channels alone: a script (the demo's
        story) types through the console while notifications wait for the real transport."""
        self.out = out
        self.choices: list[Choice] = []
        self.channels = ConsoleChannels(runtime.settings)
        self._names: dict[str, str | None] = {}
        self.names = Names(person=self._person_name, channel=self.channels.name_of)
        self.files = Files()
        self.inbox = Inbox(runtime, self.names, self.choices, self.files, lambda: self._me()[1])
        if transport:  # this console is the transport: its sender prints, its directory knows the channels
            runtime = runtime.with_delivery(self.inbox.deliver)
            runtime.channels = self.channels
        self.runtime = runtime
        self.transport = transport
        self.person_id = self._find(who, runtime.settings.locale_default)
        self.channel = HERE

    # -- who am I ---------------------------------------------------------------------------
    def _find(self, who: str | None, locale: str) -> int:
        with self.runtime.db.session(readonly=True) as s:
            if who:
                person = find_person(s, who)
                if person is None:
                    raise NobodyKnown(render_text("Nobody is known as “{who}”: use an e-mail or a Slack user id "
                                                  "from the people file.", locale, who=who))
                return person.id
            person = s.scalar(select(Person).join(PersonRole).where(PersonRole.role == Role.admin.value)
                              .order_by(Person.id).limit(1)) or s.scalar(select(Person).order_by(Person.id).limit(1))
            if person is None:
                raise NobodyKnown(render_text("Nobody is known yet: run with --demo or import people first.", locale))
            return person.id

    def _me(self) -> tuple[str, str, str]:
        with self.runtime.db.session(readonly=True) as s:
            p = s.get(Person, self.person_id)
            assert p is not None
            locale = i18n.normalize_locale(p.locale, self.runtime.settings.locale_default)
            return p.name, locale, i18n.safe_zone(p.timezone, self.runtime.settings.tz_default)

    def _person_name(self, slack_user_id: str) -> str | None:
        if slack_user_id not in self._names:
            with self.runtime.db.session(readonly=True) as s:
                self._names[slack_user_id] = s.scalar(select(Person.name).where(Person.slack_user_id == slack_user_id))
        return self._names[slack_user_id]

    # -- loop -------------------------------------------------------------------------------
    def run(self, stdin: TextIO) -> int:
        logging.getLogger().setLevel(logging.WARNING)
        interactive = stdin.isatty()
        if interactive:
            try:
                import readline  # noqa: F401 - line editing and history for input(), where the platform has it
            except ImportError:
                pass
        name, locale, _ = self._me()
        self.say(render_text("You are {name}. Type /backoffice help, a command, or a question; "
                             ":help for the console's own commands, :quit to leave.", locale, name=name))
        self._deliver_pending()
        while True:
            try:
                line = input("> ") if interactive else stdin.readline()
            except EOFError:
                break
            except KeyboardInterrupt:  # like a shell: Ctrl-C drops the line, :quit or Ctrl-D leaves
                self.say("\n" + render_text("(:quit to leave)", self._me()[1]))
                continue
            if not interactive and line == "":
                break
            line = line.strip()
            if not line:
                continue
            if line.lower() in QUIT:
                break
            self.handle_line(line, stdin)
        return 0

    def handle_line(self, line: str, stdin: TextIO | None = None) -> None:
        """One line as a Slack user would type it: a command, a choice number, or free text."""
        if line.startswith(":"):
            self._console_command(line)
        elif line.isdigit() and self.choices:
            self._press(int(line), stdin)
        elif line.startswith("[") and line.endswith("]") and not line[1:-1].isdigit():
            self._press(self._labelled(line[1:-1]), stdin)
        elif line.startswith("/"):
            name, _, text = line[1:].partition(" ")

            def command(req: Request) -> Any:
                req.text = text
                return dispatch_command(self.runtime.registry, name.lower(), req)

            self._run(command, stdin)
        else:
            def chat(req: Request) -> Any:
                req.text = line
                return dispatch_text(self.runtime.registry, req)

            self._run(chat, stdin)
        self._deliver_pending()

    def _console_command(self, line: str) -> None:
        word, _, rest = line.partition(" ")
        word, rest = word.lower(), rest.strip()
        locale = self._me()[1]
        if word == ":as" and rest:
            try:
                self.person_id = self._find(rest, locale)
            except NobodyKnown as nobody:
                self.say(str(nobody))
                return
            self.say(render_text("You are now {name}.", self._me()[1], name=self._me()[0]))
        elif word == ":in" and rest:
            found = self.channels.find(rest)
            if found is None:
                self.say(render_text("“{name}” is not a channel name (letters, digits and hyphens).", locale, name=rest))
                return
            self.channel = found
            self.say(render_text("You are now in #{name}.", locale, name=self.channels.name_of(found)))
        elif word == ":channels":
            self.say(" ".join("#" + n for n in self.channels.names()))
        else:
            self.say(render_text(
                "Console commands:\n"
                "  :as <e-mail or Slack id>   become someone else (buttons and DMs are theirs to use)\n"
                "  :in #channel               type in another channel (default #console)\n"
                "  :channels                  the channels known so far\n"
                "  :help                      this list\n"
                "  :quit                      leave (Ctrl-D too; Ctrl-C only drops a line or a form)\n"
                "Buttons are shown as [n]: type the number (or the label in brackets, like [Approve]), for any "
                "message on the screen.", locale))

    def _labelled(self, label: str) -> int:
        """The number of the latest button called ``label`` (0 if none), for ``[Approve]``."""
        wanted = label.strip().casefold()
        for n in range(len(self.choices), 0, -1):
            if self.choices[n - 1].label.strip().casefold() == wanted:
                return n
        return 0

    def _press(self, number: int, stdin: TextIO | None) -> None:
        if not 1 <= number <= len(self.choices):
            self.say(render_text("There is no button [{number}]: type a number from 1 to {last}.", self._me()[1],
                                 number=number, last=len(self.choices)))
            return
        choice = self.choices[number - 1]

        def action(req: Request) -> Any:
            req.action_id, req.value = choice.action_id, choice.value
            req.channel_id = choice.channel or self.channel
            req.message_ts = choice.message_ts
            return dispatch_action(self.runtime.registry, req)

        self._run(action, stdin)

    # -- the recipe, as in Slack -------------------------------------------------------------
    def _run(self, handle: Any, stdin: TextIO | None, values: dict | None = None, view: dict | None = None) -> None:
        _, locale, tz = self._me()
        try:
            with self.runtime.unit_of_work(actor=self.person_id, source="console",
                                           request_key=f"console:{uuid.uuid4().hex}") as ctx:
                req = Request(self.runtime, ctx, source="console", channel_id=self.channel)
                if values is not None:
                    req.values = values
                result = handle(req)
                shown = self._render(result, req)
        except _FormErrors:
            raise
        except DomainError as err:
            if view is not None:  # a form: show the error next to its field and ask that field again
                raise _FormErrors({_block_for(view, err.field): error_text(err, locale)}) \
                    from None
            self._show_message(render_error(err, locale=locale, tz=tz))
            return
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("console error %s", ref)
            self._show_message(render("platform/apology", {"ref": ref}, locale=locale, tz=tz))
            return
        self.runtime.sender.wait_idle()
        kind, payload = shown
        if kind == "message":
            self._show_message(payload)
        elif kind == "modal" and stdin is not None:
            self._fill_modal(payload, stdin)
        self._flush_inbox()

    def _render(self, result: Any, req: Request) -> tuple[str, Any]:
        if isinstance(result, Reply):
            msg = render(result.template, result.data, locale=req.locale, tz=req.tz)
            for f in result.files:
                path = self.files.save(f.filename, f.content)
                msg.setdefault("text", "")
                msg.setdefault("blocks", []).append({"type": "context", "elements": [
                    {"type": "mrkdwn", "text": render_text("File saved: {path}", req.locale, path=str(path))}]})
            return "message", msg
        if isinstance(result, OpenModal):
            return "modal", render(result.template, result.data, locale=req.locale, tz=req.tz)
        if isinstance(result, CloseModal) and result.then is not None:
            return self._render(result.then, req)
        if isinstance(result, ModalErrors):
            return "message", {"text": "\n".join(req.t(v) for v in result.errors.values())}
        return "nothing", None

    def _fill_modal(self, view: dict, stdin: TextIO, previous: dict | None = None, only: set[str] | None = None) -> None:
        _, locale, _ = self._me()
        values = ask_view(view, stdin, self.out, locale, previous=previous, only=only)
        if values is None:
            self.say(render_text("Form cancelled; nothing was sent.", locale))
            return
        callback_id = view.get("callback_id", "")
        metadata = view.get("private_metadata", "")

        def submit(req: Request) -> Any:
            req.private_metadata = metadata
            result = dispatch_view(self.runtime.registry, callback_id, req)
            if isinstance(result, ModalErrors):
                raise _FormErrors({_block_for(view, k): req.t(v) for k, v in result.errors.items()})
            return result

        try:
            self._run(submit, stdin, values=values, view=view)
        except _FormErrors as errs:
            for block_id, message in errs.errors.items():
                self.say(f"  ! {label_of(view, block_id) or render_text('Form', locale)}: {message}")
            wrong = {b for b in errs.errors if label_of(view, b)}
            self.say(render_text("Correct what is wrong; Enter keeps the other answers.", locale))
            self._fill_modal(view, stdin, previous=values, only=wrong or None)

    # -- output -------------------------------------------------------------------------------
    def _show_message(self, msg: dict) -> None:
        self.say(render_message(msg, self.choices, self.names, origin=(self.channel, next_ts())))

    def _deliver_pending(self) -> None:
        """Whatever still waits in the outbox (queued by an import, a job, an earlier run) is shown now."""
        if not self.transport:
            return
        self.runtime.sender.sweep()
        self._flush_inbox()

    def _flush_inbox(self) -> None:
        text = self.inbox.take()
        if text:
            self.say(text)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _block_for(view: dict, field: str | None) -> str:
    """The input block an error belongs to (or ``form`` when it is about the whole form)."""
    inputs = [b.get("block_id") for b in view.get("blocks", []) if b.get("type") == "input"]
    return field if field is not None and field in inputs else "form"


class _FormErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form errors")
        self.errors = errors
