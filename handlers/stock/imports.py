"""`backoffice-bot import stock FILE`: the snapshot importer (CSV or XLSX)."""

from __future__ import annotations

import re

import pandas as pd

from bot.declare import importer
from bot.importing import Progress, decimal_column
from models.core.context import Ctx
from models.core.imports import ImportSummary
from models.stock.checks import NUMBER_COLUMNS, OPTIONAL, REQUIRED
from models.stock.imports import import_stock

_BR_THOUSANDS = re.compile(r"(?m)^-?\d{1,3}(?:\.\d{3})+$")


def _needs_decimal(series: pd.Series) -> bool:
    """Whether ``decimal_column`` has anything to do (it is slow on millions of plain numbers)."""
    blob = "\n".join(series.unique())  # distinct values only: a million rows hold a few thousand
    return "," in blob or "R$" in blob or " " in blob or _BR_THOUSANDS.search(blob) is not None


@importer("stock", required=REQUIRED, optional=OPTIONAL,
          help="stock.csv: snapshot_at, sku, barcode, product_name, warehouse, uom, on_hand_qty, "
               "reserved_qty, incoming_qty, incoming_eta, reorder_level, reorder_qty, unit_price, currency")
def import_file(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    """Brazilian decimals (``1.234,56``) become dot decimals here; the domain checks everything else."""
    table = table.copy()
    for column in NUMBER_COLUMNS:
        if column in table.columns and _needs_decimal(table[column]):
            table[column] = decimal_column(table[column]).fillna("")
    progress = Progress(len(table), "stock")
    return import_stock(ctx, table, progress=progress.update)
