"""`backoffice-bot import trades|confirmations FILE`: Brazilian decimals made plain, then the domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.declare import importer
from models.core.context import Ctx
from models.core.imports import ImportSummary
from models.trades.rows import CONF_OPTIONAL, CONF_REQUIRED, TRADE_OPTIONAL, TRADE_REQUIRED

if TYPE_CHECKING:
    import pandas as pd

# The importers (pandas, scipy's pairing) load when a file comes, not in every web process:
# they are most of an idle process's memory.

NUMBERS = ("quantity", "price", "fees", "net_amount", "gross_amount")


def _numbers(table: pd.DataFrame) -> pd.DataFrame:
    """Brazilian decimals (``1.234,56``) to plain ones, column by column, before the domain checks them."""
    from bot.importing import decimal_column  # lazy: see above

    table = table.copy()
    for col in NUMBERS:
        if col in table.columns:
            table[col] = decimal_column(table[col]).fillna("")
    return table


@importer("trades", required=TRADE_REQUIRED, optional=TRADE_OPTIONAL,
          help="trades.csv: trade_ref, trade_date, settlement_date, account, side, isin, ticker, quantity, "
               "price, currency, fees, net_amount, broker, trader_email")
def import_trades(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    from models.trades import imports as domain  # lazy: see above

    return domain.import_trades(ctx, _numbers(table))


@importer("confirmations", required=CONF_REQUIRED, optional=CONF_OPTIONAL,
          help="confirmations.csv: confirm_id, confirm_trans_type (NEW/REPLACE/CANCEL), broker, broker_ref, "
               "account, trade_date, settlement_date, side, isin, ticker, quantity, price, currency, "
               "gross_amount, fees, net_amount, received_at")
def import_confirmations(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    from models.trades import imports as domain  # lazy: see above

    return domain.import_confirmations(ctx, _numbers(table))
