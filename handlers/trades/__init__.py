"""/trade: trades matched against broker confirmations, breaks resolved, confirmed with four eyes."""

from __future__ import annotations

from bot.registry import Registry
from handlers.trades import breaks as b
from handlers.trades import commands as c
from models.core.errors import N_
from models.core.people import Role

NUMBERS = ("quantity", "price", "fees", "net_amount", "gross_amount")


def _numbers(table):  # type: ignore[no-untyped-def]
    """Brazilian decimals (``1.234,56``) to plain ones, column by column, before the domain checks them."""
    from bot.importing import decimal_column

    table = table.copy()
    for col in NUMBERS:
        if col in table.columns:
            table[col] = decimal_column(table[col]).fillna("")
    return table


def import_trades(ctx, table):  # type: ignore[no-untyped-def]
    from models.trades.imports import import_trades as run

    return run(ctx, _numbers(table))


def import_confirmations(ctx, table):  # type: ignore[no-untyped-def]
    from models.trades.imports import import_confirmations as run

    return run(ctx, _numbers(table))


def cutoff_job(runtime, now) -> str:  # type: ignore[no-untyped-def]
    """Flag the trades still unconfirmed after the cut-off and alert the desk once."""
    from models.trades.jobs import flag_late

    with runtime.unit_of_work(source="scheduler") as ctx:
        ctx.now = now
        flagged = flag_late(ctx)
    return f"{len(flagged)} trade(s) flagged after the cut-off" if flagged else "no trade to flag"


def digest_section(session, scope):  # type: ignore[no-untyped-def]
    from models.trades.jobs import digest_section as build

    return build(session, scope)


def home_section(req):  # type: ignore[no-untyped-def]
    from models.trades.jobs import home_figures

    return home_figures(req.ctx.session, req.actor)


def unconfirmed_series(session, first_day, last_day):  # type: ignore[no-untyped-def]
    from models.trades.jobs import unconfirmed_series as build

    return build(session, first_day, last_day)


def register(registry: Registry) -> None:
    from models.trades.imports import CONF_OPTIONAL, CONF_REQUIRED, TRADE_OPTIONAL, TRADE_REQUIRED

    registry.importer("trades", required=TRADE_REQUIRED, optional=TRADE_OPTIONAL,
                      help="trades.csv: trade_ref, trade_date, settlement_date, account, side, isin, ticker, quantity, "
                           "price, currency, fees, net_amount, broker, trader_email")(import_trades)
    registry.importer("confirmations", required=CONF_REQUIRED, optional=CONF_OPTIONAL,
                      help="confirmations.csv: confirm_id, confirm_trans_type (NEW/REPLACE/CANCEL), broker, broker_ref, "
                           "account, trade_date, settlement_date, side, isin, ticker, quantity, price, currency, "
                           "gross_amount, fees, net_amount, received_at")(import_confirmations)
    registry.job("trades.cutoff", every_minutes=5,
                 help="flag trades unconfirmed after TRADES_CUTOFF and alert the trades channel once")(cutoff_job)
    registry.digest_section("trades", template="trades/digest_section.j2", order=40, roles=("backoffice",))(digest_section)
    registry.series(N_("Unconfirmed trades"))(unconfirmed_series)
    registry.home_section("trades", template="trades/home_section.j2", order=45)(home_section)
    registry.need_scopes("files:write", "im:write")  # files for people go to the asker's DM

    cmd = registry.command("trade", summary=N_("trades and broker confirmations: pending, breaks, confirm, report"),
                           usage_hint="pending | show <ref> | confirm <ref> | dispute <ref> <reason> | breaks [filter] | report [date]")
    bo = Role.backoffice
    cmd.no_args(usage=N_("/trade"), help=N_("The trades waiting for confirmation."), role=bo)(c.pending)
    cmd.sub("pending", usage=N_("/trade pending"), help=N_("Trades not confirmed yet, oldest first, with their status."),
            role=bo, aliases=("pendentes",))(c.pending)
    cmd.sub("show", usage=N_("/trade show <ref>"),
            help=N_("One trade: its values, the broker's, the breaks and its history."), role=bo, aliases=("ver",))(c.show)
    cmd.sub("confirm", usage=N_("/trade confirm <ref>"),
            help=N_("Confirm a matched trade. Not the person who booked or imported it (four eyes)."),
            role=bo, aliases=("confirmar",))(c.confirm)
    cmd.sub("dispute", usage=N_("/trade dispute <ref> <reason>"),
            help=N_("Dispute a trade with the broker; the desk and the trader are told."), role=bo,
            aliases=("contestar",))(c.dispute)
    cmd.sub("accept", usage=N_("/trade accept <ref>"),
            help=N_("Accept the broker's values for a break and confirm the trade (a second person, not the booker)."),
            role=bo, aliases=("aceitar",))(c.accept)
    cmd.sub("breaks", usage=N_("/trade breaks [broker|account|instrument|date]"),
            help=N_("Trades that do not match their confirmation, and confirmations nobody booked: page by page, "
                    "filtered, exportable."), role=bo, aliases=("quebras",))(b.breaks)
    cmd.sub("report", usage=N_("/trade report [date] [xlsx]"),
            help=N_("Realized and unrealized P&L by average cost, and unsettled exposure per broker, with a file "
                    "(CSV, or XLSX if asked) in your DM."),
            aliases=("relatorio",))(c.report)  # back office or managers: the domain checks

    registry.action("trade_show", role=bo)(c.click_show)
    registry.action("trade_confirm", role=bo)(c.click_confirm)
    registry.action("trade_accept", role=bo)(c.click_accept)
    registry.action("trade_dispute", role=bo)(c.click_dispute)
    registry.action("trades_breaks", role=bo)(b.all_breaks)
    registry.action("trades_breaks_page", role=bo)(b.click_page)
    registry.action("trades_breaks_export", role=bo)(b.click_export)
    registry.action("trades_pending", role=bo)(c.pending)
    registry.action("trades_pending_page", role=bo)(c.click_pending_page)
    registry.view("trade_dispute")(c.submit_dispute)

    from handlers.trades import intents

    registry.intent("trades", intents.match)(intents.answer)
