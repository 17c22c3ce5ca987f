"""The Bolt app: listeners generated from the registry, retries recognised, errors made friendly.

Every listener follows one recipe: find the person, open a unit of work keyed by the Slack
request, let the handler call the domain, render its reply for the person, commit, then
answer Slack (ack, modal, respond). Notifications leave through the outbox after commit.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

from bot.answers import Answer, Closed, FieldErrors, Message, Modal, render_answer
from bot.dispatch import dispatch_action, dispatch_command, dispatch_shortcut, dispatch_text, dispatch_view
from bot.metadata import parse_metadata, with_metadata
from bot.render import render, render_error, warm_up
from bot.replies import Attachment
from bot.request import Request
from bot.runtime import DuplicateRequest, Runtime
from bot.slack import profiles
from bot.slack.ack import AckAwareExecutor, LateAnswer, install_ack
from bot.slack.gate import BoundedLog
from bot.slack.observe import kind_of, observed
from bot.slack.payloads import error_text, field_block, message_args, request_key, view_values
from models.core.errors import DomainError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answered:
    """The handler ran and its unit of work committed: show ``answer``."""

    answer: Answer
    req: Request


@dataclass(frozen=True)
class Duplicate:
    """Slack retried a request already acted on: acknowledge, do nothing."""


@dataclass(frozen=True)
class Refused:
    """A domain error (or an unexpected one, with an apology): ``message`` for the asker only."""

    message: dict


Outcome = Answered | Duplicate | Refused | FieldErrors
"""What :meth:`SlackAdapter.run` returns; :class:`FieldErrors` is a domain error inside a modal."""
OUTCOME_LABELS: dict[type, str] = {Answered: "ok", Duplicate: "duplicate", Refused: "error",
                                   FieldErrors: "field_error"}  # the metrics' and logs' words


class SlackAdapter:
    """Turns Bolt listener calls into :class:`Request` objects and handler results into Slack calls."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.registry = runtime.registry

    # -- middleware -----------------------------------------------------------------------
    def middleware(self, req: BoltRequest, body: dict, context: Any, next: Callable[[], BoltResponse],
                   client: Any) -> BoltResponse | None:
        started = time.monotonic()
        key = request_key(body)
        context["request_key"] = key
        # Only Slack's own retries are looked up before acting; any other duplicate (a race) is
        # caught when its unit of work commits the same key.
        if key and req.headers.get("x-slack-retry-num") and self.runtime.already_processed(key):
            log.info("request %s already handled; acknowledging the retry without acting", key)
            return BoltResponse(status=200, body="")
        user_id = context.get("user_id")
        if user_id and not body.get("event", {}).get("bot_id"):
            context["person_id"] = profiles.person_id(self.runtime, user_id, client, profiles.name_in_request(body))
        install_ack(context, kind_of(body), started)
        return next()

    # -- the recipe -----------------------------------------------------------------------
    def run(self, context: Any, build: Callable[[Request], None], handle: Callable[[Request], Any],
            view_blocks: list | None = None, remember: bool = False) -> Outcome:
        """:meth:`run_unit`, its outcome noted in the context for the request's log line and metrics."""
        outcome = self.run_unit(context, build, handle, view_blocks, remember)
        context["outcome"] = OUTCOME_LABELS.get(type(outcome), "ok")
        return outcome

    def run_unit(self, context: Any, build: Callable[[Request], None], handle: Callable[[Request], Any],
                 view_blocks: list | None = None, remember: bool = False) -> Outcome:
        """Run a handler in a unit of work and render its answer, or the error, for the asker.

        ``remember`` records the request as handled even if it changed nothing, for requests
        whose answer is a new message (events, buttons): a retry must not post it twice.
        """
        person_id = context.get("person_id")
        locale: str = self.runtime.settings.locale_default
        tz: str = self.runtime.settings.tz_default
        try:
            with self.runtime.unit_of_work(actor=person_id, source="slack", request_key=context.get("request_key"),
                                           claim_first=remember) as ctx:
                if ctx.actor is not None and ctx.actor.slack_user_id != context.get("user_id"):
                    raise _StaleIdentity()  # erased in another process: this Slack user is someone new now
                req = Request(self.runtime, ctx)
                build(req)
                if ctx.actor is not None:
                    locale, tz = req.locale, req.tz
                answer = render_answer(handle(req), req)
            return Answered(answer, req)
        except DuplicateRequest:
            return Duplicate()
        except _StaleIdentity:
            self.runtime.forget_person(person_id)
            context["person_id"] = self.runtime.person_id_for_slack_user(context["user_id"])
            return self.run(context, build, handle, view_blocks, remember)
        except DomainError as err:
            if view_blocks is not None:
                return FieldErrors({field_block(err.field, view_blocks): error_text(err, locale)})
            return Refused(render_error(err, locale=locale, tz=tz))
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("unexpected error, reference %s", ref)
            return Refused(render("platform/apology", {"ref": ref}, locale=locale, tz=tz))

    # -- listeners ------------------------------------------------------------------------
    def on_command(self, ack: Any, body: dict, context: Any, client: Any, respond: Any) -> None:
        name = body["command"].lstrip("/")

        def build(req: Request) -> None:
            req.text = body.get("text", "") or ""
            req.channel_id = body.get("channel_id")
            req.payload = body

        with LateAnswer(ack, respond) as answer:
            match self.run(context, build, lambda req: dispatch_command(self.registry, name, req)):
                case Refused(message=message):
                    answer.give(response_type="ephemeral", **message_args(message))
                case Answered(answer=Message(reply=reply, message=message)):
                    answer.give(response_type="in_channel" if reply.public else "ephemeral", **message_args(message))
                    self._send_files(client, context, reply.files, body.get("channel_id"))
                case Answered(answer=Modal(view=view)):
                    answer.give()
                    view["private_metadata"] = with_metadata(view.get("private_metadata", ""), body.get("channel_id"))
                    client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_action(self, ack: Any, body: dict, context: Any, client: Any, respond: Any) -> None:
        action = body["actions"][0]

        def build(req: Request) -> None:
            req.action_id = action.get("action_id")
            req.value = action.get("value") or (action.get("selected_option") or {}).get("value") \
                or action.get("selected_user") or action.get("selected_date")
            req.channel_id = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
            req.message_ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get("message_ts")
            req.payload = body
            if body.get("view"):
                req.private_metadata = body["view"].get("private_metadata", "")

        outcome = self.run(context, build, lambda req: dispatch_action(self.registry, req), remember=True)
        ack()
        match outcome:
            case Refused(message=message):
                self._tell(client, respond, body, message)
            case Answered(answer=Modal(view=view)):
                if (body.get("container") or {}).get("type") == "view" and body.get("view", {}).get("type") == "modal":
                    client.views_push(trigger_id=body["trigger_id"], view=view)
                else:
                    view["private_metadata"] = with_metadata(view.get("private_metadata", ""),
                                                             (body.get("channel") or {}).get("id"),
                                                             (body.get("message") or {}).get("ts"))
                    client.views_open(trigger_id=body["trigger_id"], view=view)
            case Answered(answer=Message(reply=reply, message=message)) if _in_home_tab(body):
                # A button on the Home tab: show the outcome by publishing the tab again (the clicked
                # item is gone or changed); a plain reply goes to the DM.
                context["request_key"] = None  # the click is remembered; re-publishing needs no key of its own
                self.on_event("app_home_opened")(body, context, client, {"type": "app_home_opened", "tab": "home",
                                                                          "user": context.get("user_id")})
                if not reply.replace_original:
                    self._dm(client, context.get("user_id"), message)
            case Answered(answer=Message(reply=reply, message=message)):
                if reply.replace_original and body.get("response_url"):
                    respond(replace_original=True, **message_args(message))
                elif reply.replace_original and body.get("container", {}).get("message_ts"):
                    client.chat_update(channel=body["container"]["channel_id"], ts=body["container"]["message_ts"],
                                       **message_args(message))
                else:
                    self._tell(client, respond, body, message)

    def on_view(self, ack: Any, body: dict, context: Any, client: Any, view: dict) -> None:
        callback_id = view.get("callback_id", "")
        blocks = view.get("blocks") or []
        meta = parse_metadata(view.get("private_metadata", ""))

        def build(req: Request) -> None:
            req.values = view_values(view)
            req.private_metadata = view.get("private_metadata", "")
            req.channel_id = meta.get("channel")
            req.message_ts = meta.get("message_ts")
            req.payload = body

        outcome = self.run(context, build, lambda req: dispatch_view(self.registry, callback_id, req),
                           view_blocks=blocks, remember=True)
        match outcome:
            case FieldErrors(errors=errors) | Answered(answer=FieldErrors(errors=errors)):
                return ack(response_action="errors", errors=errors)
            case Answered(answer=Modal(view=next_view)):
                return ack(response_action="update", view=next_view)
        ack()
        match outcome:
            case Refused(message=message):
                self._dm(client, context.get("user_id"), message)
            case Answered(answer=Message(message=message)) | Answered(answer=Closed(then=Message(message=message))):
                self._ephemeral_or_dm(client, meta.get("channel"), context.get("user_id"), message)

    def on_shortcut(self, ack: Any, body: dict, context: Any, client: Any, shortcut: dict) -> None:
        callback_id = shortcut.get("callback_id", "")

        def build(req: Request) -> None:
            req.payload = body
            req.channel_id = (body.get("channel") or {}).get("id")
            req.message_ts = (body.get("message") or {}).get("ts")
            req.text = (body.get("message") or {}).get("text", "")

        def handle(req: Request) -> Any:
            return dispatch_shortcut(self.registry, callback_id, req)

        outcome = self.run(context, build, handle, remember=True)
        ack()
        match outcome:
            case Refused(message=message):
                self._dm(client, context.get("user_id"), message)
            case Answered(answer=Modal(view=view), req=req):
                view["private_metadata"] = with_metadata(view.get("private_metadata", ""), req.channel_id)
                client.views_open(trigger_id=body["trigger_id"], view=view)
            case Answered(answer=Message(message=message)):
                self._dm(client, context.get("user_id"), message)

    def on_text(self, body: dict, context: Any, client: Any, event: dict) -> None:
        """A mention or a DM: answer in the thread (mention) or in the DM."""
        if event.get("bot_id") or event.get("subtype"):
            return

        def build(req: Request) -> None:
            req.text = event.get("text", "")
            req.channel_id = event.get("channel")
            req.thread_ts = event.get("thread_ts") or event.get("ts")
            req.payload = body

        match self.run(context, build, lambda req: dispatch_text(self.registry, req), remember=True):
            case Refused(message=message) | Answered(answer=Message(message=message)):
                thread_ts = None if event.get("channel_type") == "im" and not event.get("thread_ts") else \
                    (event.get("thread_ts") or event.get("ts"))
                client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, **message_args(message))

    def on_event(self, event_type: str) -> Callable[[dict, Any, Any, dict], None]:
        def listener(body: dict, context: Any, client: Any, event: dict) -> None:
            base_key = context.get("request_key")
            for n, handler in enumerate(self.registry.events.get(event_type, [])):
                def build(req: Request) -> None:
                    req.payload = event
                    req.channel_id = event.get("channel") or (event.get("item") or {}).get("channel")

                # Each handler of the event remembers its own share, so one cannot block another.
                context["request_key"] = base_key if n == 0 or base_key is None else f"{base_key}#{n}"
                match self.run(context, build, handler, remember=True):
                    case Answered(answer=Message(message=message)):
                        self._dm(client, context.get("user_id"), message)

        return listener

    # -- answering --------------------------------------------------------------------------
    def _tell(self, client: Any, respond: Any, body: dict, msg: dict) -> None:
        if body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, **message_args(msg))
        else:
            self._dm(client, (body.get("user") or {}).get("id"), msg)

    def _ephemeral_or_dm(self, client: Any, channel: str | None, user: str | None, msg: dict) -> None:
        if channel and user and not channel.startswith("D"):
            try:
                client.chat_postEphemeral(channel=channel, user=user, **message_args(msg))
                return
            except Exception:  # noqa: BLE001 - not in that channel: a DM always works
                log.info("ephemeral reply failed; sending a DM instead")
        self._dm(client, user, msg)

    def _dm(self, client: Any, user: str | None, msg: dict) -> None:
        if user:
            client.chat_postMessage(channel=user, **message_args(msg))

    def _send_files(self, client: Any, context: Any, files: list[Attachment], channel: str | None) -> None:
        if not files:
            return
        user = context.get("user_id")
        dm = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            channel=dm,
            file_uploads=[{"content": f.content, "filename": f.filename, "title": f.title or f.filename} for f in files],
        )


class _StaleIdentity(Exception):
    """The person cached for a Slack user no longer has that Slack id (they were erased)."""


def _in_home_tab(body: dict) -> bool:
    return (body.get("container") or {}).get("type") == "view" and (body.get("view") or {}).get("type") == "home"


class _DropTokenWarning(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN (read from the environment) is unused when a client is given;
    that is on purpose here (our client carries the base URL and retry handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def create_app(runtime: Runtime) -> App:
    """The Bolt app for ``runtime``: signature verification on, listeners from the registry."""
    settings = runtime.settings
    settings.require("slack_bot_token", "slack_signing_secret")
    adapter = SlackAdapter(runtime)
    warm_up()
    bolt_log = logging.getLogger("slack_bolt")
    # Bolt's child loggers copy these filters when they are created (inside App() below).
    for kind in (_DropTokenWarning, BoundedLog):
        if not any(isinstance(f, kind) for f in bolt_log.filters):
            bolt_log.addFilter(kind())
    client = runtime.web_client()
    try:
        client.auth_test()
        slack_reachable = True
    except Exception as exc:  # noqa: BLE001 - boot anyway; Bolt authorizes on the first request
        log.warning("auth.test failed at start-up (%s); will retry on the first request", type(exc).__name__)
        slack_reachable = False
    app = App(
        client=client,
        signing_secret=settings.signing_secret,
        request_verification_enabled=True,
        # A worker must boot even if Slack is briefly unreachable (the CLI has already refused a
        # bad token); Bolt then authorizes on the first request instead.
        token_verification_enabled=slack_reachable,
        process_before_response=False,
        # Slack gets its answer as soon as a listener acks (Bolt alone polls every 10 ms).
        listener_executor=AckAwareExecutor(max_workers=32),  # bursts of clicks must not queue behind the ack wait
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("slack_bolt"),
    )
    app.middleware(adapter.middleware)
    registry = runtime.registry

    def watch(listener: Callable) -> Callable:  # log fields, summary line and metrics (bot.slack.observe)
        return observed(listener, registry)

    for name in registry.commands:
        app.command("/" + name)(watch(adapter.on_command))
    app.action(re.compile(".+"))(watch(adapter.on_action))
    app.view(re.compile(".+"))(watch(adapter.on_view))
    if registry.shortcuts:
        app.shortcut(re.compile(".+"))(watch(adapter.on_shortcut))
    app.event("app_mention")(watch(adapter.on_text))
    app.event({"type": "message", "channel_type": "im"})(watch(adapter.on_text))
    for event_type in registry.events:
        app.event(event_type)(watch(adapter.on_event(event_type)))
    app.event("message")(lambda: None)  # channel chatter: acknowledged and ignored
    return app
