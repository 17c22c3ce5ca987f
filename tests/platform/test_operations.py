"""What an operator holds on to: /healthz and /readyz for the platform's probes, /metrics counting
what a burst of requests did, and log lines that never carry a secret or an e-mail."""

from __future__ import annotations

import io
import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from bot import logs
from bot.imports_cli import run_import
from bot.scheduler import tick
from models.core.notify import notify
from tests.cast import MARIANA
from tests.conftest import DATA
from tests.harness import BOT_TOKEN, SIGNING_SECRET


def scrape(bot) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics, by name and labels."""
    resp = bot.get("/metrics")
    assert resp.status == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(resp.body) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_probes_say_alive_and_ready_without_details(bot, standin, people):
    alive = bot.get("/healthz")
    assert alive.status == 200 and alive.json == {"alive": True}
    ready = bot.get("/readyz")
    assert ready.status == 200
    assert ready.json == {"ready": True, "checks": {"database": "ok", "schema": "ok", "slack_token": "ok"}}
    for body in (alive.body, ready.body):
        assert BOT_TOKEN not in body and SIGNING_SECRET not in body and "sqlite" not in body


def test_readyz_fails_when_slack_refuses_the_token(bot, standin, people):
    standin.fail("auth.test", error="invalid_auth", seconds=60)
    ready = bot.get("/readyz")
    assert ready.status == 503 and ready.json["checks"]["slack_token"] == "refused"
    assert bot.get("/healthz").status == 200  # alive all the same: no restart loop for a bad token


def test_metrics_count_a_scripted_burst(bot, standin, people, runtime, tmp_path):
    before = scrape(bot)
    for _ in range(3):
        assert bot.command("/backoffice", "whoami", user=MARIANA).status == 200
    bot.command("/backoffice", "people", user=MARIANA)  # refused: not an admin
    bot.command("/stock", "parafuso", user=MARIANA)
    standin.fail("chat.postMessage", retry_after=1, times=2)  # each 429 puts the row back for its Retry-After
    standin.fail("chat.postMessage", error="channel_not_found", times=1)
    with runtime.unit_of_work(source="test") as ctx:
        notify(ctx, "admin/role_changed", {"name": "A", "roles": ["sales"]}, channel="C0SLOW0001")
    runtime.sender.wait_idle()
    for _ in range(2):  # past the Retry-After: the sweep tries again; the second time Slack refuses it for good
        runtime.clock.advance(seconds=10)
        tick(runtime)
    header, first = (DATA / "people.csv").read_text(encoding="utf-8").splitlines()[:2]
    newcomers = tmp_path / "newcomers.csv"
    newcomers.write_text("\n".join([header] + [first.replace(first.split(",")[0], f"U0NEWCOMR{n}", 1)
                                                .replace(first.split(",")[1], f"novo{n}@empresa.com.br", 1)
                                                for n in range(2)]) + "\n", encoding="utf-8")
    assert run_import(runtime, "people", newcomers, out=io.StringIO(), err=io.StringIO()) == 0
    bad = tmp_path / "people.csv"
    bad.write_text("email\nnobody\n", encoding="utf-8")
    assert run_import(runtime, "people", bad, out=io.StringIO(), err=io.StringIO()) == 1
    after = scrape(bot)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("backoffice_requests_total", kind="command", desk="admin", outcome="ok") == 3
    assert grew("backoffice_requests_total", kind="command", desk="admin", outcome="error") == 1
    assert grew("backoffice_requests_total", kind="command", desk="stock", outcome="ok") == 1
    assert grew("backoffice_ack_seconds_count", kind="command") == 5
    assert grew("backoffice_ack_seconds_bucket", kind="command", le="3.0") == 5  # all inside Slack's 3 s
    assert grew("backoffice_handler_seconds_count", kind="command", desk="admin") == 4
    assert grew("backoffice_outbox_retry_after_seconds_count") == 2
    assert grew("backoffice_outbox_retry_after_seconds_sum") == 2
    assert grew("backoffice_outbox_deliveries_total", outcome="rate_limited") == 2
    assert grew("backoffice_outbox_deliveries_total", outcome="dead") == 1
    assert grew("backoffice_outbox_dead_letters_total", reason="channel_not_found") == 1
    assert grew("backoffice_job_runs_total", job="platform.prune_requests", outcome="claimed") == 1
    assert grew("backoffice_job_runs_total", job="platform.prune_requests", outcome="done") == 1
    assert value(after, "backoffice_outbox_dead") == 1
    assert value(after, "backoffice_outbox_depth", status="dead") == 1
    assert value(after, "backoffice_import_rows_total", kind="people") == 2
    assert value(after, "backoffice_import_refusals_total", kind="people") == 1


def test_the_oldest_pending_notification_is_measured(bot, standin, people, runtime, monkeypatch):
    monkeypatch.setattr(runtime.sender, "deliver_soon", lambda ids: None)  # as if no sender were up
    with runtime.unit_of_work(source="test") as ctx:
        notify(ctx, "admin/role_changed", {"name": "A", "roles": ["sales"]}, channel="C0WAITING1")
    runtime.clock.advance(minutes=6)
    samples = scrape(bot)
    assert value(samples, "backoffice_outbox_oldest_pending_seconds") == 360  # the alert fires past 300
    assert value(samples, "backoffice_outbox_depth", status="pending") == 1


def test_the_redactor_masks_tokens_secrets_and_emails_in_json_lines():
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(logs.Redactor([SIGNING_SECRET]))
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("tests.redactor")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with logs.bound(request_key="cmd:T1:trigger.1", user_id=MARIANA, desk="leave"):
            logger.warning("token %s secret %s mail %s url %s", BOT_TOKEN, SIGNING_SECRET,
                           "mariana.souza@empresa.com.br", "postgresql://bot:hunter22@db/prod")
            try:
                raise ValueError(f"boom for ana@empresa.com.br with {BOT_TOKEN}")
            except ValueError:
                logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 2
    assert lines[0]["request_key"] == "cmd:T1:trigger.1" and lines[0]["desk"] == "leave"
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    text = out.getvalue()
    for secret in (BOT_TOKEN, SIGNING_SECRET, "empresa.com.br", "hunter22"):
        assert secret not in text
    assert "[token]" in lines[0]["message"] and "[e-mail]" in lines[0]["message"] and "boom" in lines[1]["error"]
