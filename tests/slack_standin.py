"""A stand-in for Slack's Web API on loopback: records every call and answers like Slack.

Point the bot's ``SLACK_API_URL`` at ``standin.api_url``. It can be told to fail: HTTP 500,
429 with ``Retry-After``, or an ``ok: false`` error code, for some calls or for a while.
Response URLs (``standin.response_url(...)``) and file uploads land here too. Posted messages
go into ``history`` (with their ``metadata``), so ``conversations.history`` finds them; ``hang``
makes a method answer late (or never), after it has taken effect, as a slow Slack does.
A Socket Mode server (``tests.socket_standin``) is handed out by ``apps.connections.open``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    stamp: Any = None  # the test's clock when the call arrived (``SlackStandIn.stamp``), if set

    def __getitem__(self, key: str) -> Any:
        return self.args[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.args.get(key, default)

    @property
    def text(self) -> str:
        """Everything a person would read in this message: text and every block's text."""
        parts = [str(self.args.get("text") or "")]
        blocks = self.args.get("blocks") or (self.args.get("view") or {}).get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        parts.append(_block_text(blocks))
        return "\n".join(p for p in parts if p)


def _block_text(obj: Any) -> str:
    if isinstance(obj, dict):
        out = []
        for key, value in obj.items():
            if key == "text" and isinstance(value, str):
                out.append(value)
            else:
                out.append(_block_text(value))
        return "\n".join(o for o in out if o)
    if isinstance(obj, list):
        return "\n".join(_block_text(v) for v in obj)
    return ""


@dataclass
class Failure:
    methods: set[str] | None  # None: every method
    status: int = 500
    error: str | None = None
    retry_after: int | None = None
    times: int | None = None  # None: until `until`
    until: float | None = None


class SlackStandIn:
    """The fake Slack: ``start()``, then read ``calls``; ``fail(...)`` to misbehave."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict] = {}
        self.taken_channels: set[str] = set()
        self.history: dict[str, list[dict]] = {}  # channel id -> messages, for conversations.history/replies
        self.failures: list[Failure] = []
        self.delays: dict[str, float] = {}  # method -> seconds before answering (Slack being slow)
        self.stamp: Callable[[], Any] | None = None  # e.g. ``clock.now``: each call is stamped with it
        self.hangs: dict[str, list[float]] = {}  # method -> late answers still to give, one per call
        self.socket_url: str | None = None  # what apps.connections.open answers (a tests.socket_standin)
        self._released = threading.Event()
        self.rejected: list[Call] = []
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True, name="slack-standin")

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> SlackStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # hung answers end now
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "r") -> str:
        return f"{self.base}/response/{name}"

    # -- scripting ----------------------------------------------------------------------------
    def add_user(self, user_id: str, *, name: str, email: str | None = None, tz: str = "America/Sao_Paulo",
                 locale: str = "pt-BR") -> None:
        self.users[user_id] = {
            "id": user_id, "name": name.split()[0].lower(), "real_name": name, "tz": tz, "locale": locale,
            "profile": {"real_name": name, "display_name": name.split()[0], "email": email},
        }

    def fail(self, *methods: str, status: int = 500, error: str | None = None, retry_after: int | None = None,
             times: int | None = None, seconds: float | None = None) -> None:
        """Make calls fail: ``times`` calls, or for ``seconds``. No methods: every Web API method."""
        until = time.monotonic() + seconds if seconds is not None else None
        with self._lock:
            self.failures.append(Failure(set(methods) or None, status, error, retry_after, times, until))

    def slow(self, *methods: str, seconds: float) -> None:
        """Answer these methods only after ``seconds`` (a slow or hanging Slack)."""
        with self._lock:
            self.delays.update({m: seconds for m in methods})

    def hang(self, method: str, seconds: float, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` take effect at once but answer after ``seconds``."""
        with self._lock:
            self.hangs.setdefault(method, []).extend([seconds] * times)

    def _hang_for(self, method: str) -> float:
        with self._lock:
            delays = self.hangs.get(method)
            return delays.pop(0) if delays else 0.0

    def conversation(self, channel: str) -> str:
        """Where a message to ``channel`` lands: a user id means their DM (a stable D id here)."""
        return "D" + channel[1:] if channel[:1] in ("U", "W") else channel

    def posted(self, outbox_id: int) -> list[dict]:
        """Messages in any channel carrying this outbox id in their metadata."""
        with self._lock:
            return [m for msgs in self.history.values() for m in msgs
                    if (m.get("metadata") or {}).get("event_payload", {}).get("outbox_id") == outbox_id]

    def heal(self) -> None:
        with self._lock:
            self.failures.clear()
            self.delays.clear()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.rejected.clear()
            self.failures.clear()

    # -- reading -------------------------------------------------------------------------------
    def of(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

    def messages(self, channel: str | None = None) -> list[Call]:
        """Posted messages (chat.postMessage), optionally to one channel or user id."""
        return self.of("chat.postMessage", (lambda c: c.get("channel") == channel) if channel else None)

    def wait_for(self, method: str, count: int = 1, where: Callable[[Call], bool] | None = None,
                 timeout: float = 30.0) -> list[Call]:
        """Wait until at least ``count`` matching calls arrived; return them (raises on time-out)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.calls if c.method == method and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(f"expected {count} {method} call(s), got {len(found)}; calls seen: {seen}")
                self._changed.wait(left)

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for ``quiet`` seconds (to check that nothing more comes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = max((c.at for c in self.calls + self.rejected), default=0.0)
            if time.monotonic() - last >= quiet:
                return
            time.sleep(quiet / 3)

    # -- the server ----------------------------------------------------------------------------
    def _failure_for(self, method: str) -> Failure | None:
        now = time.monotonic()
        with self._lock:
            for f in list(self.failures):
                if f.until is not None and now >= f.until:
                    self.failures.remove(f)
                    continue
                if f.methods is not None and method not in f.methods:
                    continue
                if f.times is not None:
                    f.times -= 1
                    if f.times <= 0:
                        self.failures.remove(f)
                return f
        return None

    def _record(self, call: Call, rejected: bool = False) -> None:
        if self.stamp is not None:
            call.stamp = self.stamp()
        with self._changed:
            (self.rejected if rejected else self.calls).append(call)
            self._changed.notify_all()

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "backoffice",
                    "team_id": "T0000001", "user_id": "UBOT00001", "bot_id": "BBOT00001"}
        if method == "users.info":
            user = args.get("user", "")
            info = self.users.get(user) or {
                "id": user, "name": user.lower(), "real_name": f"User {user}", "tz": "America/Sao_Paulo",
                "locale": "pt-BR", "profile": {"real_name": f"User {user}", "display_name": user, "email": None},
            }
            return {"ok": True, "user": info}
        if method == "chat.postMessage":
            ts = f"{1764000000 + next(self._ts)}.000100"
            channel = args.get("channel", "")
            message = {"type": "message", "text": args.get("text"), "ts": ts, "user": "UBOT00001"}
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            metadata = args.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            if metadata:
                message["metadata"] = metadata
            with self._lock:
                self.history.setdefault(self.conversation(channel), []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text"), "ts": ts}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{1764000000 + next(self._ts)}.000200"}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = args.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            return {"ok": True, "view": {**(view or {}), "id": f"V{n:08d}", "hash": f"h{n}"}}
        if method == "conversations.create":
            name = args.get("name", "")
            if name in self.taken_channels:
                return {"ok": False, "error": "name_taken"}
            self.taken_channels.add(name)
            return {"ok": True, "channel": {"id": f"C{n:08d}", "name": name}}
        if method == "conversations.open":
            users = str(args.get("users", ""))
            return {"ok": True, "channel": {"id": self.conversation(users) if "," not in users and users
                                            else f"D{n:08d}"}}
        if method == "apps.connections.open":
            if self.socket_url is None:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": self.socket_url}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"https://acme.slack.com/archives/{args.get('channel')}/p{n}"}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.base}/upload/F{n:08d}", "file_id": f"F{n:08d}"}
        if method == "files.completeUploadExternal":
            files = args.get("files")
            if isinstance(files, str):
                files = json.loads(files)
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files or []]}
        if method == "conversations.history" and not args.get("latest"):
            # The newest first, threads' replies left out, metadata only when asked for (as Slack).
            oldest = float(args.get("oldest") or 0)
            with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
            with self._lock:
                found = [m for m in self.history.get(args.get("channel", ""), [])
                         if float(m["ts"]) >= oldest and m.get("thread_ts") in (None, m["ts"])]
            found = [m if with_meta else {k: v for k, v in m.items() if k != "metadata"} for m in reversed(found)]
            limit = int(args.get("limit") or 100)
            return {"ok": True, "messages": found[:limit], "has_more": len(found) > limit}
        if method == "conversations.replies" and args.get("include_all_metadata"):
            with self._lock:
                found = [m for m in self.history.get(args.get("channel", ""), [])
                         if args.get("ts") in (m.get("thread_ts"), m["ts"])]
            return {"ok": True, "messages": found, "has_more": False}
        if method in ("conversations.history", "conversations.replies"):
            ts = args.get("ts") or args.get("latest")
            found = [m for m in self.history.get(args.get("channel", ""), []) if not ts or m.get("ts") == ts]
            return {"ok": True, "messages": found, "has_more": False}
        if method == "conversations.info":
            return {"ok": True, "channel": {"id": args.get("channel"), "name": "channel"}}
        return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _args(self) -> dict[str, Any]:
                parsed = urllib.parse.urlparse(self.path)
                args: dict[str, Any] = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                ctype = self.headers.get("Content-Type", "")
                if raw and "json" in ctype:
                    args.update(json.loads(raw))
                elif raw and "form" in ctype and not parsed.path.startswith("/upload/"):
                    # Uploads are raw bytes that urllib labels as a form (a PNG is not UTF-8).
                    args.update({k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode()).items()})
                elif raw:
                    args["_body"] = raw
                for key in ("blocks", "view", "attachments"):
                    if isinstance(args.get(key), str):
                        try:
                            args[key] = json.loads(args[key])
                        except ValueError:
                            pass
                return args

            def _send(self, status: int, body: dict | str, headers: dict[str, str] | None = None) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                path = urllib.parse.urlparse(self.path).path
                args = self._args()
                if path.startswith("/response/"):
                    standin._record(Call("response_url", {**args, "_path": path}))
                    return self._send(200, "ok")
                if path.startswith("/upload/"):
                    standin._record(Call("file.upload", {"file_id": path.rsplit("/", 1)[1],
                                                         "size": len(args.get("_body", b"")),
                                                         "content": args.get("_body", b"")}))
                    return self._send(200, "OK")
                if not path.startswith("/api/"):
                    return self._send(404, {"ok": False, "error": "unknown_url"})
                method = path[len("/api/"):]
                delay = standin.delays.get(method)
                if delay:
                    time.sleep(delay)
                failure = standin._failure_for(method)
                if failure is not None:
                    standin._record(Call(method, args), rejected=True)
                    if failure.retry_after is not None:
                        return self._send(429, {"ok": False, "error": "ratelimited"},
                                          {"Retry-After": str(failure.retry_after)})
                    if failure.error:
                        return self._send(200, {"ok": False, "error": failure.error})
                    return self._send(failure.status, {"ok": False, "error": "internal_error"})
                answer = standin._answer(method, args)
                if answer.get("ok"):
                    standin._record(Call(method, args))
                else:
                    standin._record(Call(method, args), rejected=True)
                late = standin._hang_for(method)
                if late and standin._released.wait(late):
                    return  # stopped while hanging: the answer never comes
                self._send(200, answer)

        return Handler
