"""Malformed, oversized and unsigned requests: a short 4xx, one bounded log line, nothing acted on."""

from __future__ import annotations

import json
import logging
import socket
import urllib.parse

import pytest

from tests.cast import ADMIN


def _form(payload) -> str:
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


UNSIGNED = {
    "payload-garbage": ("payload=%%%{{", "application/x-www-form-urlencoded"),
    "bad-json": ("{not json", "application/json"),
    "binary": (bytes(range(256)).decode("latin-1") * 40, "application/octet-stream"),
}
SIGNED = {
    "payload-null": ("payload=null", "application/x-www-form-urlencoded"),
    "payload-garbage": ("payload=%%%{{", "application/x-www-form-urlencoded"),
    "bad-json": ("{not json", "application/json"),
    "json-list": ("[1, 2]", "application/json"),
    "view-null": (_form({"type": "view_submission", "user": {"id": ADMIN}, "view": None}),
                  "application/x-www-form-urlencoded"),
    "actions-null": (_form({"type": "block_actions", "user": {"id": ADMIN}, "actions": None}),
                     "application/x-www-form-urlencoded"),
    "actions-of-strings": (_form({"type": "block_actions", "user": {"id": ADMIN}, "actions": ["x"]}),
                           "application/x-www-form-urlencoded"),
    "command-as-json": (json.dumps({"command": "/backoffice", "text": "whoami", "user_id": ADMIN}),
                        "application/json"),
    "dialog-submission": (_form({"type": "dialog_submission", "user": {"id": ADMIN}, "submission": {}}),
                          "application/x-www-form-urlencoded"),
    "response-urls-of-strings": (_form({"type": "view_closed", "user": {"id": ADMIN}, "view": {},
                                        "response_urls": ["https://x"]}), "application/x-www-form-urlencoded"),
    "form-without-anything": ("a=1&b=2", "application/x-www-form-urlencoded"),
    "not-utf8": ("payload=\udcff", "application/x-www-form-urlencoded"),
}


def _bounded(caplog) -> None:
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) <= 1, lines
    assert all(len(line) <= 300 and "\n" not in line and not r.exc_info for line, r in zip(lines, caplog.records, strict=True))


def _post_raw(bot, body: str, content_type: str, signed: bool):
    return bot.post(body.encode("utf-8", "surrogateescape").decode("latin-1") if "\udcff" in body else body,
                    content_type, signed=signed)


@pytest.mark.parametrize("name", list(UNSIGNED))
def test_unsigned_garbage_gets_a_short_4xx(bot, people, standin, caplog, name):
    body, content_type = UNSIGNED[name]
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    resp = bot.post(body, content_type, signed=False)
    assert resp.status in (401, 413)
    assert len(resp.body) < 200 and "Traceback" not in resp.body and "<html" not in resp.body.lower()
    _bounded(caplog)
    assert [c.method for c in standin.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize("name", list(SIGNED))
def test_signed_malformed_payloads_get_400(bot, people, standin, caplog, name):
    body, content_type = SIGNED[name]
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    resp = _post_raw(bot, body, content_type, signed=True)
    assert resp.status == 400, resp.body
    assert len(resp.body) < 200 and "Traceback" not in resp.body
    _bounded(caplog)
    assert [c.method for c in standin.calls if c.method != "auth.test"] == []


def test_a_ten_megabyte_body_gets_413_before_it_is_read(bot, people, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    host, port = bot.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/x-www-form-urlencoded"
                     b"\r\nContent-Length: 10000000\r\n\r\n" + b"text=" + b"x" * 65536)
        answer = sock.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.") and " 413 " in answer.splitlines()[0]
    assert "Traceback" not in answer
    _bounded(caplog)


def test_a_get_or_an_unknown_path_is_not_a_server_error(bot, people):
    assert bot.get("/slack/events").status == 405
    assert bot.get("/wp-login.php").status == 404
    assert bot.get("/healthz").status == 200


def test_a_refused_request_is_logged_without_its_body_or_response_url(bot, people, caplog):
    """A wrongly signed command of 500 KB: one short line, no body, no response_url."""
    caplog.set_level(logging.DEBUG)
    form = {"command": "/backoffice", "text": "x" * 500_000, "user_id": ADMIN, "trigger_id": "t.1",
            "response_url": "https://hooks.slack.com/commands/T0000001/123/secretsecret"}
    resp = bot.post(urllib.parse.urlencode(form), "application/x-www-form-urlencoded", secret="wrong")
    assert resp.status == 401
    _bounded(caplog)
    assert "secretsecret" not in " ".join(r.getMessage() for r in caplog.records)


def test_bolt_logs_an_unhandled_payload_in_one_short_line(bot, people, caplog):
    """A signed view_closed (no listener wants it): Bolt's warning and its code suggestion, cut to one line."""
    caplog.set_level(logging.DEBUG)
    payload = {"type": "view_closed", "user": {"id": ADMIN}, "team": {"id": "T0000001"},
               "view": {"callback_id": "x" * 400, "private_metadata": "y" * 2000},
               "response_urls": [{"response_url": "https://hooks.slack.com/app/T0000001/123/secretsecret",
                                 "channel_id": "C1", "block_id": "b", "action_id": "a"}]}
    resp = bot.post(_form(payload), "application/x-www-form-urlencoded")
    assert resp.status in (200, 404)
    bolt = [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt") and r.levelno >= logging.INFO]
    assert bolt, "Bolt says nothing about an unhandled request"
    assert all(len(line) <= 300 and "\n" not in line and "secretsecret" not in line for line in bolt), bolt


def test_a_well_formed_command_still_works(bot, people):
    resp = bot.command("/backoffice", "whoami", user=ADMIN)
    assert resp.status == 200 and "Eduarda Silva" in resp.text
