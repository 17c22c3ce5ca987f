"""`backoffice-bot import stock FILE`: the snapshot importer (CSV or XLSX)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.declare import importer
from models.core.context import Ctx
from models.core.imports import ImportSummary
from models.stock.columns import NUMBER_COLUMNS, OPTIONAL, REQUIRED

if TYPE_CHECKING:
    import pandas as pd

# A decimal comma, a currency sign, a space, or Brazilian thousands (1.200).
_NOT_PLAIN = r"[, ]|R\$|^-?\d{1,3}(?:\.\d{3})+$"


def _needs_decimal(series: pd.Series) -> bool:
    """Whether ``decimal_column`` has anything to do (it is slow on millions of plain numbers)."""
    return bool(series.str.contains(_NOT_PLAIN, regex=True).any())  # one C pass over the column


@importer("stock", required=REQUIRED, optional=OPTIONAL,
          help="stock.csv: snapshot_at, sku, barcode, product_name, warehouse, uom, on_hand_qty, "
               "reserved_qty, incoming_qty, incoming_eta, reorder_level, reorder_qty, unit_price, currency")
def import_file(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    """Brazilian decimals (``1.234,56``) become dot decimals here; the domain checks everything else."""
    # Lazy: pandas, pyarrow and the importer load when a file comes, not in every web process
    # (they are most of an idle process's memory).
    from bot.importing import Progress, decimal_column
    from models.stock.imports import import_stock

    for column in NUMBER_COLUMNS:
        if column in table.columns and _needs_decimal(table[column]):
            table = table.assign(**{column: decimal_column(table[column]).fillna("")})  # the caller's table stays
    progress = Progress(len(table), "stock")
    return import_stock(ctx, table, progress=progress.update)
