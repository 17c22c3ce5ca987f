"""Signed Slack requests dispatched straight into the Bolt app (no socket): fast enough to fuzz."""

from __future__ import annotations

import itertools
import json
import time
import urllib.parse
from typing import Any

from slack_bolt.request import BoltRequest

from bot.slack.app import create_app
from tests.cast import EDUARDA, HENRIQUE, MARIANA, QUESIA, TIAGO
from tests.harness import SIGNING_SECRET, Response, sign

_n = itertools.count(1)


class DirectSlack:
    """The real Bolt app (signature check, middleware, listeners), called in-process."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.app = create_app(runtime)
        # People with different roles: admin, sales, back office, on call, manager, a stranger.
        self.users = [EDUARDA, MARIANA, QUESIA, HENRIQUE, TIAGO, "U0STRANGE1"]
        self._seen = 0
        self.standin = None

    def _send(self, body: str, content_type: str) -> Response:
        ts = str(int(time.time()))
        headers = {"content-type": [content_type], "x-slack-request-timestamp": [ts],
                   "x-slack-signature": [sign(body, int(ts), SIGNING_SECRET)]}
        start = time.monotonic()
        resp = self.app.dispatch(BoltRequest(body=body, headers=headers))
        return Response(resp.status, resp.body or "", time.monotonic() - start)

    def command(self, command: str, text: str, *, user: str) -> Response:
        trig = f"fz.{next(_n)}"
        form = {"command": command, "text": text, "user_id": user, "channel_id": "C0GENERAL", "team_id": "T0000001",
                "trigger_id": trig, "response_url": f"http://127.0.0.1:9/response/{trig}"}
        return self._send(urllib.parse.urlencode(form), "application/x-www-form-urlencoded")

    def click(self, action_id: str, value: Any, *, user: str) -> Response:
        trig = f"fz.{next(_n)}"
        payload = {"type": "block_actions", "user": {"id": user}, "team": {"id": "T0000001"}, "trigger_id": trig,
                   "actions": [{"type": "button", "action_id": action_id, "value": value, "action_ts": trig}],
                   "channel": {"id": "C0GENERAL"},
                   "container": {"type": "message", "message_ts": "1.2", "channel_id": "C0GENERAL"},
                   "message": {"ts": "1.2", "text": ""}}
        return self._send(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def submit(self, callback_id: str, answers: dict, metadata: str, *, user: str) -> Response:
        state = {str(k): {"value": {"type": "plain_text_input", "value": v if isinstance(v, str) else json.dumps(v)}}
                 for k, v in answers.items()}
        payload = {"type": "view_submission", "user": {"id": user}, "team": {"id": "T0000001"},
                   "trigger_id": f"fz.{next(_n)}",
                   "view": {"id": "V1", "type": "modal", "callback_id": callback_id, "private_metadata": metadata,
                            "blocks": [{"type": "input", "block_id": str(k)} for k in answers],
                            "state": {"values": state}}}
        return self._send(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def mention(self, text: str, *, user: str) -> Response:
        body = {"type": "event_callback", "team_id": "T0000001", "event_id": f"Evfz{next(_n)}",
                "event": {"type": "app_mention", "user": user, "text": f"<@UBOT00001> {text}", "ts": "1.1",
                          "channel": "C0GENERAL"}}
        return self._send(json.dumps(body), "application/json")

    def replies(self) -> list[str]:
        """Texts the bot posted since the last call (needs the stand-in of the runtime's settings)."""
        from tests.slack_standin import Call

        self.runtime.sender.wait_idle()
        time.sleep(0.01)
        standin = _STANDINS.get(self.runtime.settings.slack_api_url)
        if standin is None:
            return []
        calls = standin.calls[self._seen:]
        self._seen = len(standin.calls)
        return [c.text for c in calls if isinstance(c, Call)]


_STANDINS: dict[str, Any] = {}


def track(standin: Any) -> None:
    _STANDINS[standin.api_url] = standin
