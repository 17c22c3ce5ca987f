"""Drive the real bot over HTTP the way Slack does: signed slash commands, buttons, forms, events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.slack.ack import ANSWER_DEADLINE
from bot.slack.web import WebApp
from tests.cast import EDUARDA

SIGNING_SECRET = "test-signing-secret-0123456789"
BOT_TOKEN = "xoxb-test-token-0123456789"
TEAM = {"id": "T0000001", "domain": "acme"}
_triggers = itertools.count(1)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128  # many simultaneous clicks, as Slack can send them


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Response:
    status: int
    body: str
    elapsed: float

    @property
    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        """What the person sees in the reply (text and blocks)."""
        from tests.slack_standin import Call

        return Call("reply", self.json).text if self.body.startswith("{") else self.body


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class BotServer:
    """The real WSGI app (Bolt inside) on a free loopback port."""

    def __init__(self, runtime: Any, standin: Any) -> None:
        self.runtime = runtime
        self.standin = standin
        self.app = WebApp(runtime)
        self.server = make_server("127.0.0.1", 0, self.app, server_class=_ThreadingWSGIServer,
                                  handler_class=_QuietHandler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="bot-http")
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- raw ----------------------------------------------------------------------------------
    def post(self, body: str, content_type: str, *, signed: bool = True, secret: str = SIGNING_SECRET,
             age: int = 0, retry_num: int | None = None, path: str = "/slack/events") -> Response:
        ts = int(time.time()) - age
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts)}
        if signed:
            headers["X-Slack-Signature"] = sign(body, ts, secret)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        req = urllib.request.Request(self.url + path, data=body.encode(), headers=headers, method="POST")
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return Response(resp.status, resp.read().decode(), time.monotonic() - start)
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read().decode(), time.monotonic() - start)

    def get(self, path: str) -> Response:
        start = time.monotonic()
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as resp:
                return Response(resp.status, resp.read().decode(), time.monotonic() - start)
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read().decode(), time.monotonic() - start)

    # -- as Slack sends them --------------------------------------------------------------------
    def command(self, command: str, text: str = "", *, user: str = EDUARDA, channel: str = "C0GENERAL",
                trigger_id: str | None = None, **kw: Any) -> Response:
        """A slash command, e.g. ``bot.command("/stock", "parafuso m8", user=...)``."""
        form = command_payload(self.standin, command, text, user=user, channel=channel, trigger_id=trigger_id)
        resp = self.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded", **kw)
        if resp.status == 200 and not resp.body and resp.elapsed >= ANSWER_DEADLINE:
            # Acked empty because the answer ran late (a loaded machine): the person reads it where
            # it went, in a post to the command's response_url.
            late = self.standin.wait_for("response_url", where=lambda c: c.get("_path", "").endswith(
                "/" + form["trigger_id"]))[-1]
            body = {k: v for k, v in late.args.items() if not k.startswith("_")}
            return Response(resp.status, json.dumps(body), resp.elapsed)
        return resp

    def _interactive(self, payload: dict, **kw: Any) -> Response:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def click(self, button: dict | tuple[str, str], *, user: str = EDUARDA, channel: str = "C0GENERAL",
              message_ts: str = "1764000000.000100", trigger_id: str | None = None, view: dict | None = None,
              **kw: Any) -> Response:
        """Click a button: a button element as the bot rendered it, or ``(action_id, value)``."""
        return self._interactive(click_payload(self.standin, button, user=user, channel=channel, message_ts=message_ts,
                                               trigger_id=trigger_id, view=view), **kw)

    def submit(self, view: dict, answers: dict[str, Any], *, user: str = EDUARDA,
               trigger_id: str | None = None, **kw: Any) -> Response:
        """Submit a modal the bot opened, answering its inputs by block id (types taken from the view)."""
        return self._interactive(submit_payload(view, answers, user=user, trigger_id=trigger_id), **kw)

    def shortcut(self, callback_id: str, message: dict, *, user: str = EDUARDA, channel: str = "C0GENERAL",
                 **kw: Any) -> Response:
        trigger = f"trigger.{next(_triggers)}"
        payload = {
            "type": "message_action", "callback_id": callback_id, "team": TEAM, "user": {"id": user},
            "channel": {"id": channel, "name": "general"}, "message": message, "trigger_id": trigger,
            "message_ts": message.get("ts"), "response_url": self.standin.response_url(trigger), "token": "legacy",
        }
        return self._interactive(payload, **kw)

    def event(self, event: dict, *, event_id: str | None = None, **kw: Any) -> Response:
        """An Events API delivery (``app_mention``, ``message``, ``reaction_added``...)."""
        return self.post(json.dumps(event_payload(event, event_id=event_id)), "application/json", **kw)

    def mention(self, text: str, *, user: str = EDUARDA, channel: str = "C0GENERAL", **kw: Any) -> Response:
        return self.event(mention_event(text, user=user, channel=channel), **kw)

    def dm(self, text: str, *, user: str = EDUARDA, **kw: Any) -> Response:
        ts = f"{time.time():.6f}"
        return self.event({"type": "message", "channel_type": "im", "user": user, "text": text, "ts": ts,
                           "channel": "D0DIRECT01", "event_ts": ts}, **kw)


# -- what Slack sends, over HTTP or in a Socket Mode envelope -------------------------------------
def command_payload(standin: Any, command: str, text: str = "", *, user: str = EDUARDA,
                    channel: str = "C0GENERAL", trigger_id: str | None = None) -> dict[str, str]:
    trigger_id = trigger_id or f"trigger.{next(_triggers)}"
    return {
        "token": "legacy", "team_id": TEAM["id"], "team_domain": TEAM["domain"], "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": command,
        "text": text, "api_app_id": "A0000001", "is_enterprise_install": "false",
        "response_url": standin.response_url(trigger_id), "trigger_id": trigger_id,
    }


def click_payload(standin: Any, button: dict | tuple[str, str], *, user: str = EDUARDA,
                  channel: str = "C0GENERAL", message_ts: str = "1764000000.000100", trigger_id: str | None = None,
                  view: dict | None = None) -> dict[str, Any]:
    if isinstance(button, tuple):
        button = {"type": "button", "action_id": button[0], "value": button[1], "text": {"type": "plain_text",
                                                                                          "text": button[0]}}
    trigger_id = trigger_id or f"trigger.{next(_triggers)}"
    action = {**button, "block_id": "b", "action_ts": f"{time.time():.6f}"}
    payload: dict[str, Any] = {
        "type": "block_actions", "team": TEAM, "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A0000001", "token": "legacy", "trigger_id": trigger_id, "actions": [action],
    }
    if view is not None:
        payload.update(container={"type": "view", "view_id": view.get("id", "V1")}, view=view)
    else:
        payload.update(
            container={"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
            channel={"id": channel, "name": "general"},
            message={"type": "message", "ts": message_ts, "text": "", "blocks": []},
            response_url=standin.response_url(trigger_id),
        )
    return payload


def submit_payload(view: dict, answers: dict[str, Any], *, user: str = EDUARDA,
                   trigger_id: str | None = None) -> dict[str, Any]:
    state: dict[str, dict] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        el = block["element"]
        bid, aid, kind = block["block_id"], el.get("action_id", "value"), el["type"]
        value = answers.get(bid)
        if kind == "plain_text_input":
            entry = {"type": kind, "value": value}
        elif kind in ("static_select", "radio_buttons"):
            entry = {"type": kind, "selected_option": {"value": value} if value is not None else None}
        elif kind == "checkboxes":
            entry = {"type": kind, "selected_options": [{"value": v} for v in (value or [])]}
        elif kind == "datepicker":
            entry = {"type": kind, "selected_date": value}
        elif kind == "users_select":
            entry = {"type": kind, "selected_user": value}
        else:
            entry = {"type": kind, "value": value}
        state[bid] = {aid: entry}
    return {
        "type": "view_submission", "team": TEAM, "user": {"id": user, "username": user.lower(), "team_id": TEAM["id"]},
        "api_app_id": "A0000001", "token": "legacy", "trigger_id": trigger_id or f"trigger.{next(_triggers)}",
        "view": {**view, "id": view.get("id", "V1"), "state": {"values": state}},
        "response_urls": [],
    }


def event_payload(event: dict, *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "legacy", "team_id": TEAM["id"], "api_app_id": "A0000001", "event": event,
        "type": "event_callback", "event_id": event_id or f"Ev{next(_triggers):08d}",
        "event_time": int(time.time()), "authorizations": [{"team_id": TEAM["id"], "user_id": "UBOT00001",
                                                            "is_bot": True}],
    }


def mention_event(text: str, *, user: str = EDUARDA, channel: str = "C0GENERAL") -> dict[str, Any]:
    ts = f"{time.time():.6f}"
    return {"type": "app_mention", "user": user, "text": f"<@UBOT00001> {text}", "ts": ts, "channel": channel,
            "event_ts": ts}


class RemoteBot(BotServer):
    """The same signed requests, sent to a bot running elsewhere (another process, e.g. `serve`)."""

    def __init__(self, url: str, standin: Any) -> None:
        self.standin = standin
        self._url = url.rstrip("/")

    @property
    def url(self) -> str:
        return self._url

    def stop(self) -> None:
        pass

