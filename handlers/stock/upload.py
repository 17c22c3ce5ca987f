"""`backoffice-bot import stock FILE`: the snapshot importer (CSV or XLSX)."""

from __future__ import annotations

import pandas as pd

from bot.importing import Progress, decimal_column
from bot.registry import Registry
from models.context import Ctx
from models.imports import ImportSummary
from models.stock_import import NUMBER_COLUMNS, OPTIONAL, REQUIRED
from models.stock_snapshot import import_stock


def import_file(ctx: Ctx, table: pd.DataFrame) -> ImportSummary:
    """Brazilian decimals (``1.234,56``) become dot decimals here; the domain checks everything else."""
    table = table.copy()
    for column in NUMBER_COLUMNS:
        if column in table.columns:
            table[column] = decimal_column(table[column]).fillna("")
    progress = Progress(len(table), "stock")
    return import_stock(ctx, table, progress=progress.update)


def register(registry: Registry) -> None:
    registry.importer("stock", required=REQUIRED, optional=OPTIONAL,
                      help="stock.csv: snapshot_at, sku, barcode, product_name, warehouse, uom, on_hand_qty, "
                           "reserved_qty, incoming_qty, incoming_eta, reorder_level, reorder_qty, unit_price, "
                           "currency")(import_file)
