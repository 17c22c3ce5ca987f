"""/digest as people type it: subscribe a channel, change it, see settings, preview mine, stop it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.scheduler import tick
from models.core.audit import AuditRecord
from models.core.outbox import OutboxMessage
from models.core.scheduling import JobRun
from models.digest.tables import Subscription
from tests.cast import EDUARDA, GABRIELA, MARIANA, TIAGO
from tests.digest.conftest import deliver, utc


def subscriptions(runtime) -> list[Subscription]:
    with runtime.db.session(readonly=True) as s:
        return list(s.scalars(select(Subscription).order_by(Subscription.channel)).unique())


def test_a_manager_subscribes_this_channel_with_the_defaults(bot, staff):
    resp = bot.command("/digest", "subscribe", user=TIAGO, channel="C0SALES01")
    assert resp.json["response_type"] == "ephemeral"
    assert "<#C0SALES01> vai receber o resumo nos dias úteis às 09:00 (America/Sao_Paulo)" in resp.text
    [sub] = subscriptions(staff)
    assert (sub.channel, sub.frequency, sub.at_time, sub.timezone) == ("C0SALES01", "weekdays", "09:00",
                                                                       "America/Sao_Paulo")
    with staff.db.session() as s:
        audit = s.scalar(select(AuditRecord).where(AuditRecord.action == "digest.subscribed"))
        assert audit.after["channel"] == "C0SALES01" and audit.request_id.startswith("command:")


def test_another_channel_any_order_and_changing_it_later(bot, staff):
    resp = bot.command("/digest", "subscribe 8:30 weekly <#C0TEAM001|time-vendas>", user=TIAGO)
    assert "<#C0TEAM001>" in resp.text and "toda semana" in resp.text and "08:30" in resp.text
    again = bot.command("/digest", "subscribe <#C0TEAM001|time-vendas> daily", user=GABRIELA)
    assert "Alterado" in again.text and "todos os dias" in again.text and "09:00" in again.text
    [sub] = subscriptions(staff)
    assert (sub.frequency, sub.at_time, sub.person.slack_user_id) == ("daily", "09:00", GABRIELA)
    settings = bot.command("/digest", "settings", user=TIAGO)
    assert "<#C0TEAM001>" in settings.text and "por Gabriela Santos" in settings.text
    assert "Você recebe o resumo de gestor por DM às 09:00" in settings.text
    assert "BR/SP" in settings.text and "quinta-feira, 26 de novembro de 2026" in settings.text  # 09:00 has come


def test_bad_words_get_the_allowed_values_and_the_usage(bot, staff):
    hourly = bot.command("/digest", "subscribe <#C0TEAM001|x> hourly", user=TIAGO)
    assert hourly.json["response_type"] == "ephemeral"
    assert "“hourly” não é uma frequência" in hourly.text and "daily" in hourly.text and "weekly" in hourly.text
    assert "/digest subscribe [#canal] [daily|weekdays|weekly] [HH:MM]" in hourly.text
    bad_time = bot.command("/digest", "subscribe 25:00", user=TIAGO)
    assert "“25:00” não é um horário" in bad_time.text and "08:30" in bad_time.text
    two = bot.command("/digest", "subscribe daily weekly", user=TIAGO)
    assert "uma só frequência" in two.text
    in_dm = bot.command("/digest", "subscribe", user=TIAGO, channel="D0DIRECT01")
    assert "Diga qual canal" in in_dm.text
    unlinked = bot.command("/digest", "subscribe #nao-existe", user=TIAGO)
    assert "Não encontrei o canal “#nao-existe”" in unlinked.text
    unknown = bot.command("/digest", "resumir", user=TIAGO)
    assert "resumir" in unknown.text and "/digest help" in unknown.text
    assert subscriptions(staff) == []


def test_only_managers_and_admins_subscribe_channels(bot, staff):
    refused = bot.command("/digest", "subscribe", user=MARIANA, channel="C0SALES01")
    assert "papel gestor" in refused.text and subscriptions(staff) == []  # the role named in Portuguese
    assert "vai receber" in bot.command("/digest", "subscribe", user=EDUARDA, channel="C0SALES01").text


def test_unsubscribe_stops_it_and_an_unknown_channel_is_explained(bot, staff):
    bot.command("/digest", "subscribe", user=TIAGO, channel="C0SALES01")
    missing = bot.command("/digest", "unsubscribe <#C0OTHER01|outro>", user=TIAGO)
    assert "<#C0OTHER01> não tem assinatura de resumo" in missing.text
    done = bot.command("/digest", "unsubscribe", user=TIAGO, channel="C0SALES01")
    assert "<#C0SALES01> não vai mais receber o resumo" in done.text
    assert subscriptions(staff) == []
    assert "Nenhum canal recebe resumo ainda" in bot.command("/digest", "settings", user=MARIANA).text


def test_a_subscribed_channel_gets_the_team_wide_news_at_its_time(bot, staff, standin, clock, desk):
    desk.waiting[GABRIELA] = ["Lucas Lima · sick leave · 2 Dec"]  # hers alone: never in a channel
    bot.command("/digest", "subscribe 10:00 weekdays", user=GABRIELA, channel="C0BACKOFF")
    clock.set(utc(2026, 11, 25, 12, 30))  # 09:30 in São Paulo: Gabriela's own digest, not the channel's
    tick(staff)
    deliver(staff, standin)
    assert standin.messages("C0BACKOFF") == []
    assert "Lucas Lima" in standin.messages(GABRIELA)[0].text
    clock.set(utc(2026, 11, 25, 13, 0))
    assert tick(staff)["digest.channel"].startswith("1 sent")
    deliver(staff, standin)
    [post] = standin.messages("C0BACKOFF")
    assert "Resumo do back office de quarta-feira, 25 de novembro de 2026" in post.text
    assert "Stand-in trades" in post.text and "Publicado aqui por assinatura" in post.text
    assert "Lucas Lima" not in post.text and "Stand-in team" not in post.text
    clock.set(utc(2026, 11, 25, 13, 1))
    assert "digest.channel" not in tick(staff)
    clock.set(utc(2026, 11, 28, 13, 0))  # Saturday: weekdays only
    assert "digest.channel" not in tick(staff)


def test_a_channel_with_nothing_team_wide_gets_nothing(bot, staff, standin, clock, desk):
    desk.waiting[TIAGO] = ["Wesley Lima · 2 Dec"]
    bot.command("/digest", "subscribe 09:00", user=TIAGO, channel="C0SALES01")
    assert tick(staff)["digest.channel"].startswith("0 sent (0 late), 1 empty")
    deliver(staff, standin)
    assert standin.messages("C0SALES01") == []


def test_weekly_comes_on_the_first_business_day_of_the_week(bot, staff, clock):
    bot.command("/digest", "subscribe weekly 09:00", user=GABRIELA, channel="C0BACKOFF")
    sent = []
    for day in range(23, 31):  # Mon 23 Nov .. Mon 30 Nov
        clock.set(utc(2026, 11, day, 12, 0))
        if "digest.channel" in tick(staff):
            sent.append(day)
    assert sent == [23, 30]


def test_digest_now_is_mine_only_to_me_and_sends_nothing(bot, staff, standin, desk):
    desk.waiting[TIAGO] = ["Carla Silva · 7 Dec"]
    resp = bot.command("/digest", "now", user=TIAGO)
    assert resp.json["response_type"] == "ephemeral"
    assert "Seu resumo agora" in resp.text and "Carla Silva · 7 Dec" in resp.text and "Stand-in team" in resp.text
    assert "Só você vê isto" in resp.text
    bare = bot.command("/digest", "", user=TIAGO)
    assert "Carla Silva · 7 Dec" in bare.text
    nothing = bot.command("/digest", "now", user=MARIANA)
    assert "Nada espera por você" in nothing.text
    extra = bot.command("/digest", "now please", user=MARIANA)
    assert "não leva nada depois" in extra.text
    standin.settle(quiet=0.2)
    assert standin.messages() == []
    with staff.db.session() as s:
        assert s.scalars(select(OutboxMessage)).first() is None


def test_english_readers_read_english(bot, staff, standin):
    standin.add_user("U0ENGLISH", name="Emma Reed", locale="en-US", tz="America/New_York")
    bot.command("/backoffice", "whoami", user="U0ENGLISH")
    resp = bot.command("/digest", "settings", user="U0ENGLISH")
    assert "Digest settings" in resp.text and "you are not a manager" in resp.text


def test_clock_status_is_for_admins(bot, staff):
    tick(staff)
    refused = bot.command("/digest", "status", user=TIAGO)
    assert "admin" in refused.text and "digest.manager" not in refused.text
    status = bot.command("/digest", "status", user=EDUARDA)
    assert "Situação do relógio" in status.text and "`digest.manager` · feito: 4" in status.text


def test_clock_status_counts_every_run_and_says_how_many_need_a_look(bot, staff):
    # Two days of a company with thousands of managers: more runs than any list shows.
    now = staff.clock.now()
    runs = [JobRun(key=f"digest.manager:{n}", job="digest.manager", period="2026-11-25", subject=str(n),
                   status="done", due_at=now - dt.timedelta(hours=1), claimed_at=now, claimed_by="test",
                   result={"late": n < 3}) for n in range(6_000)]
    runs += [JobRun(key=f"digest.manager:missed:{n}", job="digest.manager", period="2026-11-24", subject=str(n),
                    status="missed", due_at=now - dt.timedelta(hours=20, minutes=n), claimed_at=now,
                    claimed_by="test", detail="clock down") for n in range(20)]
    with staff.db.session() as s:
        s.add_all(runs)
        s.commit()
    status = bot.command("/digest", "status", user=EDUARDA).text
    assert "`digest.manager` · feito: 6.000 · 3 enviados com atraso" in status
    assert "`digest.manager` · perdido: 20" in status
    assert status.count("digest.manager:missed:") == 15
    assert "As 15 mais recentes de 20 execuções que precisam de atenção." in status
