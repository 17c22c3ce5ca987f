"""Every reply reads as written by a native speaker, in English and in Portuguese.

Every template is rendered in both languages with the data the real desks give it (a day of
the demo company: a walk through every desk's commands, buttons, forms, jobs, digest and Home,
with every render recorded), and every domain error message (every ``N_`` message id) is
rendered in both languages with sample values. The test fails on an untranslated message,
on words of the other language, on placeholders left raw and on internal identifiers
(``net_amount``, ``oncall``, snake_case names); the rules are in ``tests/platform/languages.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from sqlalchemy import select

from bot import i18n
from bot.render import environment, render, render_text
from bot.scheduler import tick
from models.trades.tables import Trade
from tests.cast import GABRIELA, KARINA
from tests.platform.languages import data_strings, problems, visible_text
from tests.reliability.world import DESKS, ROLES, build_world
from tests.stock.conftest import CATALOGUE, Importer
from tests.trades.conftest import import_file
from tests.trades.test_amendments import resend

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("en", "pt-BR")
MANAGER, EMPLOYEE, SALES, BACKOFFICE, ONCALL, ADMIN = (ROLES[r] for r in (
    "manager", "employee", "sales", "backoffice", "oncall", "admin"))
# Templates that are pieces of others (macros), never rendered on their own.
PIECES = re.compile(r"(^|/)(_[^/]*|macros)\.j2$")


# -- a day of the demo company, with every render recorded ------------------------------------

class Recorder:
    """Records what each template was rendered with (at most a few distinct samples each)."""

    def __init__(self) -> None:
        self.samples: dict[str, list[dict]] = defaultdict(list)
        self._seen: set[tuple[str, str]] = set()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        original, get_template = jinja2.Template.render, jinja2.Environment.get_template
        recorder = self

        def get_and_name(env: jinja2.Environment, name: Any, *args: Any, **kw: Any) -> jinja2.Template:
            template = get_template(env, name, *args, **kw)
            if isinstance(name, str):
                template.full_name = name  # a desk's loader drops the prefix
            return template

        def render_and_record(template: jinja2.Template, *args: Any, **kw: Any) -> str:
            context = dict(*args, **kw)
            name = getattr(template, "full_name", None) or template.name or ""
            if not PIECES.search(name):
                data = {k: v for k, v in context.items() if not k.startswith("_")}
                try:
                    key = (name, json.dumps(data, sort_keys=True, default=str))
                except (TypeError, ValueError):
                    key = (name, repr(sorted(data)))
                if key not in recorder._seen and len(recorder.samples[name]) < 6:
                    recorder._seen.add(key)
                    recorder.samples[name].append(data)
            return original(template, *args, **kw)

        monkeypatch.setattr(jinja2.Environment, "get_template", get_and_name)
        monkeypatch.setattr(jinja2.Template, "render", render_and_record)


def _buttons(standin, prefix: str) -> list[dict]:
    found = []
    for call in standin.calls:
        for block in (call.get("blocks") or []) if hasattr(call, "get") else []:
            for el in block.get("elements", []) + ([block["accessory"]] if block.get("accessory") else []):
                if isinstance(el, dict) and el.get("type") == "button" and el.get("action_id", "").startswith(prefix):
                    found.append(el)
    return found


def _views(standin, callback_id: str) -> list[dict]:
    return [c["view"] for c in standin.of("views.open") if c["view"].get("callback_id") == callback_id]


def walk_the_desks(bot, standin, runtime, clock, tmp_path) -> None:
    """Every desk as people use it: commands, help, buttons, forms, jobs, digest and Home."""
    world = build_world(runtime, standin, tmp_path, DESKS)
    inc = world["inc"]
    lines = {
        ADMIN: ["/backoffice help", "/backoffice whoami", "/backoffice people", "/backoffice people vendas",
                "/backoffice role <@U070000008> sales", "/backoffice role <@U070000008> dragon",
                "/backoffice nonsense", "/leave types", "/leave type sabbatical name=Sabático allowance=10",
                "/leave type sabbatical paid=talvez", "/leave allowance <@U070000004> vacation 25",
                "/leave who week", "/leave balance <@U070000007>", "/digest status", "/incident list",
                f"/incident show {world['done']}", "/trade report", "/stock low"],
        SALES: ["/stock cadeira", "/stock PRD-2001", "/stock cadeira azull", "/stock xyzzyqw", "/stock",
                "/stock low", "/stock watch PRD-2008", "/stock watch", "/stock watch PRD-2001",
                "/stock unwatch PRD-2008", "/stock unwatch PRD-2008", "/stock help", "/leave", "/leave balance",
                "/leave list", "/leave who", "/leave who amanhã", "/leave who someday", "/leave cancel",
                "/leave cancel 999", "/incident", "/incident report Impressora sem toner", f"/incident note {inc} "
                "o erro voltou", f"/incident ack {inc}", "/incident show INC-9999", "/trade pending", "/digest now",
                "/leave help", "/incident help", "/trade help", "/digest help", "/backoffice people"],
        EMPLOYEE: ["/leave list", f"/leave cancel {world['leave']}", "/leave balance", "/leave pending"],
        MANAGER: ["/leave pending", "/digest now", "/digest subscribe", "/digest settings",
                  "/digest subscribe weekdays 08:30", "/digest status", "/digest unsubscribe", "/digest unsubscribe",
                  "/leave who", "/leave balance <@U070000007>"],
        ONCALL: [f"/incident ack {inc}", f"/incident ack {inc}", f"/incident assign {inc} <@U070000005>",
                 f"/incident severity {inc} SEV2", f"/incident status {inc} mitigated investigando agora",
                 f"/incident status {inc} sideways", f"/incident note {inc} disco cheio", f"/incident resolve {inc}",
                 f"/incident close {inc}", f"/incident close {inc} disco cheio; alerta criado",
                 f"/incident summary {inc} disco cheio; rotação de logs parada", "/incident list", "/incident assign"],
        BACKOFFICE: ["/trade pending", "/trade breaks", "/trade breaks broker", f"/trade show {world['trade']}",
                     f"/trade show {world['break']}", f"/trade confirm {world['trade']}",
                     f"/trade confirm {world['trade']}", f"/trade dispute {world['break2']} preço errado",
                     f"/trade accept {world['break']}", "/trade report 2026-11-23", "/trade show T-NOPE",
                     "/digest now"],
        GABRIELA: [f"/trade confirm {world['trade2']}", "/leave pending"],
    }
    for user, commands in lines.items():
        for line in commands:
            command, _, text = line.partition(" ")
            bot.command(command, text, user=user)
    # The breaks exported (the file goes to the DM), and a broker's cancel after confirmation reopens a trade.
    bot.click(("trades_breaks_export", '{"w":"","d":null,"f":"csv"}'), user=BACKOFFICE)
    with runtime.db.session() as s:
        confirmed = s.scalars(select(Trade).where(Trade.ref == world["trade"])).one()
        confirm_id = confirmed.confirmation.confirm_id
    code, _out, err = import_file(runtime, "confirmations", resend(tmp_path, confirm_id, "CANCEL"), actor=GABRIELA)
    assert code == 0, err
    for text in ("tem cadeira azul?", "is the blue chair available?", "quem está de férias amanhã?",
                 "my vacation balance", f"status do {inc}", "trade breaks", "oi", "bom dia, tudo bem?",
                 "o ERP caiu"):
        bot.mention(text, user=SALES)
        bot.dm(text, user=EMPLOYEE)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()

    # The leave form, sent; then decided from the approver's DM (approve one, reject one with the modal).
    for user, start, end, half in ((SALES, "2026-12-14", "2026-12-16", ["end"]),
                                   (SALES, "2026-12-28", "2027-01-08", []),
                                   (SALES, "2026-12-01", "2026-11-30", [])):
        bot.command("/leave", "", user=user)
        view = standin.wait_for("views.open", where=lambda c: c["view"].get("callback_id") == "leave_request")[-1]
        bot.submit(view["view"], {"type": "vacation", "start": start, "end": end, "half": half, "note": "viagem"},
                   user=user)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    for n, btn in enumerate(_buttons(standin, "leave_approve")[:2]):
        bot.click(btn, user=MANAGER if n else ADMIN, channel=MANAGER)
    for btn in _buttons(standin, "leave_reject")[-1:]:
        bot.click(btn, user=ADMIN, channel=ADMIN)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    for view in _views(standin, "leave_reject")[-1:]:
        bot.submit(view, {"reason": "fechamento do mês"}, user=ADMIN)
        bot.submit(view, {"reason": ""}, user=ADMIN)

    # The incident form, sent: a SEV1 (its own channel) and a SEV2 nobody acknowledges; the card's buttons.
    for view in _views(standin, "incident_report")[:1]:
        bot.submit(view, {"title": "Pagamentos fora do ar", "severity": "1", "service": "Loja online",
                          "description": "Cartões recusados."}, user=SALES)
        bot.submit(view, {"title": "VPN lenta", "severity": "2"}, user=EMPLOYEE)
        bot.submit(view, {"title": "", "severity": "1"}, user=SALES)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    sev1 = _incident_by_title(runtime, "Pagamentos fora do ar")
    bot.click(("incident_ack", str(sev1.number)), user=ONCALL, channel="C0INCIDNT")
    for prefix in ("incident_take", "incident_mitigated", "incident_resolved"):
        bot.click((prefix, world["inc"]), user=ONCALL, channel="C0INCIDNT")
    for prefix in ("trade_show", "trade_dispute", "trade_accept", "stock_open", "stock_watch", "leave_cancel"):
        for btn in _buttons(standin, prefix)[:1]:
            bot.click(btn, user=BACKOFFICE if prefix.startswith("trade") else SALES)
    bot.click(("trade_dispute", world["break2"]), user=BACKOFFICE)
    bot.command("/stock", "watch PRD-2008", user=SALES)
    bot.command("/stock", "?!", user=SALES)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    for view in _views(standin, "trade_dispute")[:1]:
        bot.submit(view, {"reason": "corretora errou a quantidade"}, user=BACKOFFICE)
    # A pin in the SEV1's channel, then the toner is back in stock (the watcher hears of it).
    channel = _incident_by_title(runtime, "Pagamentos fora do ar").channel_id
    standin.history[channel] = [{"type": "message", "ts": "1764001234.000100", "user": ONCALL,
                                 "text": "Encontrei: o certificado TLS expirou"}]
    bot.event({"type": "reaction_added", "user": ONCALL, "reaction": "pushpin", "item_user": ONCALL,
               "item": {"type": "message", "channel": channel, "ts": "1764001234.000100"}, "event_ts": "1764001240.1"})
    back = [r if r[0] != "PRD-2008" else (*r[:4], 40, 0, 0, "", *r[8:]) for r in CATALOGUE]
    code, _out, err = Importer(runtime, tmp_path).file(back)
    assert code == 0, err
    runtime.sender.wait_idle(timeout=30)
    standin.settle()

    # Home tabs, then the clock: the cut-off, escalations and reminders, the digests (one sent
    # late, one missed), leave reminders; the SEV1 is then handed over, resolved and closed.
    for user in (ADMIN, MANAGER, SALES, ONCALL, BACKOFFICE):
        bot.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME0001"})
    bot.command("/digest", "subscribe #geral weekdays 09:00", user=MANAGER, channel="C0GERAL01")
    for at in (dt.datetime(2026, 11, 25, 12, 40, tzinfo=dt.UTC), dt.datetime(2026, 11, 25, 21, 10, tzinfo=dt.UTC),
               dt.datetime(2026, 11, 26, 12, 1, tzinfo=dt.UTC), dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC),
               dt.datetime(2026, 12, 1, 20, 0, tzinfo=dt.UTC), dt.datetime(2026, 12, 2, 12, 1, tzinfo=dt.UTC)):
        clock.set(at)
        tick(runtime, at)
        runtime.sender.wait_idle(timeout=30)
    bot.command("/incident", f"assign {sev1.ref} <@U070000010>", user=ONCALL)
    for line in (f"resolve {sev1.ref}", f"close {sev1.ref}",
                 f"close {sev1.ref} certificado renovado; alerta de validade criado"):
        bot.command("/incident", line, user=KARINA)
    bot.command("/backoffice", "role <@U070000008> oncall", user=ADMIN)
    _dead_letters(bot, standin, runtime)
    bot.command("/digest", "now", user=GABRIELA)
    for user in (ADMIN, MANAGER, ONCALL, BACKOFFICE, SALES):
        bot.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME0001"})
    runtime.sender.wait_idle(timeout=30)
    standin.settle()

    # LGPD and the calendar feed: an export of mine and of someone else's, a feed link and its reset,
    # then (last: that person is gone afterwards) an erasure confirmed in its modal.
    bot.command("/backoffice", "me timezone America/Manaus", user=SALES)  # preferences, then back
    bot.command("/backoffice", "me timezone America/Sao_Paulo", user=SALES)
    bot.mention("xyzzy qwerty plugh", user=SALES)  # understood by no desk: a pointer to help
    bot.command("/backoffice", "privacy export", user=SALES)
    bot.command("/backoffice", "privacy export <@U070000008>", user=ADMIN)
    bot.command("/leave", "calendar", user=MANAGER)
    bot.command("/leave", "calendar reset", user=MANAGER)
    bot.command("/backoffice", "privacy erase <@U070000008>", user=ADMIN)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    for view in _views(standin, "privacy_erase")[:1]:
        bot.submit(view, {}, user=ADMIN)
    runtime.sender.wait_idle(timeout=30)
    standin.settle()


def _dead_letters(bot, standin, runtime) -> None:
    """/backoffice outbox, empty then with two dead letters; one retried, one dropped; the admin's digest."""
    from models.core.notify import notify

    runtime.sender.wait_idle(timeout=30)  # what is on its way goes first: only these two are refused
    standin.settle()
    bot.command("/backoffice", "outbox", user=ADMIN)
    standin.fail("chat.postMessage", error="not_in_channel", times=2)
    with runtime.unit_of_work(source="test") as ctx:
        for n in range(2):
            notify(ctx, "admin/role_changed", {"name": f"Canal {n}", "roles": ["sales"]}, channel=f"C0PRIVATE{n}")
    runtime.sender.wait_idle(timeout=30)
    listing = bot.command("/backoffice", "outbox", user=ADMIN).json
    buttons = [e for b in listing.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]
    bot.command("/digest", "now", user=ADMIN)
    for prefix in ("outbox_retry", "outbox_drop"):
        bot.click(next(b for b in buttons if b["action_id"].startswith(prefix)), user=ADMIN)
    runtime.sender.wait_idle(timeout=30)


def _incident_by_title(runtime, title: str):
    from sqlalchemy import select

    from models.incidents.tables import Incident

    with runtime.db.session() as s:
        return s.scalars(select(Incident).where(Incident.title == title)).one()


@pytest.fixture
def recorded(monkeypatch, bot, standin, people, runtime, clock, tmp_path):
    recorder = Recorder()
    recorder.install(monkeypatch)
    walk_the_desks(bot, standin, runtime, clock, tmp_path)
    return recorder.samples


# Reached only when something breaks unexpectedly: its data given here.
UNREACHABLE = {"platform/apology.j2": [{"ref": "a1b2c3d4"}]}


def all_templates() -> list[str]:
    """Every template rendered on its own: not the macros, nor the digest and Home sections
    (macros the digest and Home templates import, checked inside them)."""
    env = environment("en")
    names = []
    for name in env.list_templates(extensions=["j2"]):
        source = env.loader.get_source(env, name)[0]
        if not PIECES.search(name) and "{% macro section(" not in source:
            names.append(name)
    return sorted(names)


def test_every_template_reads_right_in_both_languages(recorded):
    for name, samples in UNREACHABLE.items():
        recorded[name].extend(samples)
    unreached = [name for name in all_templates() if name not in recorded]
    assert not unreached, "templates no story renders (add a step to walk_the_desks): " + ", ".join(unreached)
    wrong = []
    for name, samples in sorted(recorded.items()):
        for data in samples:
            words = data_strings(data)
            for locale in LOCALES:
                text = visible_text(render(name, data, locale=locale))
                for problem in problems(text, locale, words):
                    wrong.append(f"{name} [{locale}]: {problem}\n    {text[:300]!r}")
    assert not wrong, f"{len(wrong)} problems:\n" + "\n".join(sorted(set(wrong)))


# -- every domain error message ---------------------------------------------------------------

SAMPLE_PARAMS: dict[str, Any] = {
    "ref": "INC-0042", "id": 12, "who": "Ana Souza", "name": "Ana Souza", "max": 500, "year": 2027,
    "start": dt.date(2026, 12, 24), "end": dt.date(2026, 12, 31), "day": dt.date(2026, 12, 24),
    "first": dt.date(2026, 12, 24), "settle": dt.date(2026, 12, 28), "days": 3, "count": 5, "limit": 50,
    "available": 2, "min": 5, "length": 3, "long": 14, "sev": 2, "on_hand": 10, "gross": "1.234,56",
    "net": "1.230,00", "breaks": 3, "trade": "T20261123-0001", "sku": "PRD-1042", "warehouse": "SP-CD01",
    "path": "/tmp/relatorio.xlsx", "channel": "#geral", "example": "/incident ack INC-0042",
}


def domain_messages() -> list[tuple[str, str | tuple[str, str]]]:
    """Every ``N_("...")`` message id of the code (and ``NP_`` pair), with the file it is in."""
    found = []
    for folder in ("bot", "handlers", "models"):
        for filename, _line, message, _c, _ctx in extract_from_dir(ROOT / folder, method_map=[("**.py", "python")],
                                                                  keywords={"N_": None, "NP_": (1, 2)}):
            if message and (message[0] if isinstance(message, tuple) else message):
                found.append((f"{folder}/{filename}", message))
    return found


# Words Portuguese takes as they are.
SAME_IN_BOTH = {"admin", "back office"}


def _translated(catalog, message) -> bool:
    if message in SAME_IN_BOTH:
        return True
    if isinstance(message, tuple):
        return catalog.ngettext(message[0], message[1], 1) != message[0]
    return catalog.gettext(message) != message or not re.search(r"[a-z]{3,}", message) or message.startswith("/")


def test_every_domain_error_reads_right_in_both_languages():
    catalog = i18n.translations("pt-BR")
    wrong = []
    for where, message in domain_messages():
        text_id = " ".join(message) if isinstance(message, tuple) else message
        names = {a or b for a, b in re.findall(r"%\((\w+)\)[sd]|\{(\w+)\}", text_id)}
        if not _translated(catalog, message):
            wrong.append(f"{where}: untranslated {message!r}")
            continue
        for locale in LOCALES:
            for count in ((1, 5) if isinstance(message, tuple) else (None,)):
                params = {n: SAMPLE_PARAMS.get(n, "X9") for n in names}
                if count is not None:
                    params["count"] = count
                text = render_text(message, locale, **params)
                if text_id.startswith("/"):  # a command's usage line: code, typed as shown in either language
                    text = f"`{text}`"
                for problem in problems(text, locale, {"Ana Souza", "X9"}):
                    wrong.append(f"{where} [{locale}]: {problem}\n    {text!r}")
    assert not wrong, f"{len(wrong)} problems:\n" + "\n".join(sorted(set(wrong)))
