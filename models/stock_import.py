"""Checking a stock snapshot file, row by row, before anything is written.

The file has one row per product x warehouse (``bot/demo_data/stock.csv``). The table comes
from ``bot.importing.read_table`` (text, ``_row`` numbers) with number columns already in
dot-decimal form. Every problem is reported with its row number; any problem refuses the file.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pandas as pd

from models.errors import N_
from models.imports import RowError

REQUIRED = ["sku", "product_name", "warehouse", "on_hand_qty"]
OPTIONAL = ["snapshot_at", "barcode", "uom", "reserved_qty", "incoming_qty", "incoming_eta", "reorder_level",
            "reorder_qty", "unit_price", "currency", "warehouse_name"]
NUMBER_COLUMNS = ["on_hand_qty", "reserved_qty", "incoming_qty", "reorder_level", "reorder_qty", "unit_price"]
QUANTITIES = {"on_hand_qty": "on_hand", "reserved_qty": "reserved", "incoming_qty": "incoming",
              "reorder_level": "reorder_level", "reorder_qty": "reorder_qty"}
# What must be the same on every row of one SKU (it describes the product, not the warehouse).
PRODUCT_FIELDS = {"product_name": "name", "barcode": "barcode", "uom": "unit", "unit_price": "unit_price",
                  "currency": "currency", "reorder_level": "reorder_level", "reorder_qty": "reorder_qty"}
LIMITS = {"sku": 64, "product_name": 200, "warehouse": 32, "barcode": 32, "uom": 16, "warehouse_name": 100}
MAX_ERRORS = 500


class Problems:
    """Row errors collected column by column (vectorised), capped so a broken file stays readable."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self.items: list[RowError] = []

    def add(self, mask: pd.Series, column: str, message: str, **extra: pd.Series | str) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any() or len(self.items) >= MAX_ERRORS:
            return
        picked = self.df.loc[mask].head(MAX_ERRORS - len(self.items))
        cols = {k: (v.loc[picked.index] if isinstance(v, pd.Series) else None) for k, v in extra.items()}
        for i, (idx, row) in enumerate(zip(picked.index, picked["_row"])):
            params = {"value": str(picked.at[idx, column]) if column in picked.columns else ""}
            for key, value in extra.items():
                params[key] = str(cols[key].iloc[i]) if cols[key] is not None else value
            self.items.append(RowError(int(row), column, message, params))


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    if column in df.columns:
        return df[column].astype("string").fillna("")
    return pd.Series("", index=df.index, dtype="string")


def _whole_numbers(df: pd.DataFrame, column: str, problems: Problems, *, required: bool) -> pd.Series:
    raw = _text(df, column)
    empty = raw == ""
    whole = raw.str.fullmatch(r"\d+(\.0+)?").fillna(False)
    negative = raw.str.fullmatch(r"-\d+(\.\d+)?").fillna(False)
    if required:
        problems.add(empty, column, N_("The quantity is empty; write 0 if there is none."))
    problems.add(negative, column, N_("“{value}” is negative; quantities are 0 or more."))
    problems.add(~empty & ~whole & ~negative, column, N_("“{value}” is not a whole number (like 120 or 1.200)."))
    return pd.to_numeric(raw.where(whole, "0"), errors="coerce").fillna(0).astype("int64")


def _dates(raw: pd.Series) -> pd.Series:
    iso = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    brazil = pd.to_datetime(raw, format="%d/%m/%Y", errors="coerce")
    return iso.fillna(brazil)


def _snapshots(raw: pd.Series, now: dt.datetime, zone: str) -> pd.Series:
    """Snapshot times in UTC: with an offset as given, without one in the company's zone, empty = now."""
    has_offset = raw.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).fillna(False)
    aware = pd.to_datetime(raw.where(has_offset, None), format="ISO8601", utc=True, errors="coerce")
    naive = pd.to_datetime(raw.where(~has_offset & (raw != ""), None), format="ISO8601", errors="coerce")
    if naive.notna().any():
        naive = naive.dt.tz_localize(zoneinfo.ZoneInfo(zone), ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    else:
        naive = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]")
    out = aware.fillna(naive)
    return out.where(raw != "", pd.Timestamp(now).tz_convert("UTC"))


def validate(df: pd.DataFrame, *, now: dt.datetime, zone: str = "America/Sao_Paulo") -> tuple[pd.DataFrame, list[RowError]]:
    """The file as typed columns, and every reason to refuse it (empty: it can be imported)."""
    problems = Problems(df)
    out = pd.DataFrame({"_row": df["_row"].astype("int64")}, index=df.index)
    for column, limit in LIMITS.items():
        problems.add(_text(df, column).str.len() > limit, column,
                     N_("“{value}” is too long (at most {limit} characters)."), limit=str(limit))
    out["sku"] = _text(df, "sku").str.upper()
    out["name"] = _text(df, "product_name")
    out["warehouse"] = _text(df, "warehouse").str.upper()
    problems.add(out["sku"] == "", "sku", N_("The SKU is empty."))
    problems.add(out["name"] == "", "product_name", N_("The product name is empty."))
    problems.add(out["warehouse"] == "", "warehouse", N_("The warehouse is empty."))
    barcode = _text(df, "barcode")
    problems.add((barcode != "") & ~barcode.str.fullmatch(r"[0-9A-Za-z\-]+").fillna(False), "barcode",
                 N_("“{value}” is not a barcode (digits, like 7890000007061)."))
    out["barcode"] = barcode.where(barcode != "", None)
    out["unit"] = _text(df, "uom").str.upper().replace("", "UN")
    out["warehouse_name"] = _text(df, "warehouse_name")
    for column, name in QUANTITIES.items():
        out[name] = _whole_numbers(df, column, problems, required=column in REQUIRED)
    problems.add(out["reserved"] > out["on_hand"], "reserved_qty",
                 N_("Reserved ({value}) is more than on hand ({on_hand})."), on_hand=out["on_hand"])
    price = _text(df, "unit_price")
    problems.add((price != "") & ~price.str.fullmatch(r"-?\d+(\.\d+)?").fillna(False), "unit_price",
                 N_("“{value}” is not a price (like 1.234,56 or 1234.56)."))
    problems.add(price.str.startswith("-"), "unit_price", N_("“{value}” is negative; prices are 0 or more."))
    out["unit_price"] = price.where(price != "", None)
    currency = _text(df, "currency").str.upper().replace("", "BRL")
    problems.add(~currency.str.fullmatch(r"[A-Z]{3}").fillna(False), "currency",
                 N_("“{value}” is not a currency code (like BRL or USD)."))
    out["currency"] = currency
    eta_raw = _text(df, "incoming_eta")
    eta = _dates(eta_raw)
    problems.add((eta_raw != "") & eta.isna(), "incoming_eta",
                 N_("“{value}” is not a date (like 2026-12-15 or 15/12/2026)."))
    # An ETA only means something while goods are on their way.
    out["eta"] = eta.dt.strftime("%Y-%m-%d").where(out["incoming"] > 0, None)
    snap_raw = _text(df, "snapshot_at")
    snapshot = _snapshots(snap_raw, now, zone)
    problems.add(snapshot.isna(), "snapshot_at", N_("“{value}” is not a date and time (like 2026-11-23T08:00:00-03:00)."))
    out["snapshot"] = snapshot.fillna(pd.Timestamp(now).tz_convert("UTC"))
    _duplicates(out, problems)
    _consistent(df, out, problems)
    return out, problems.items


def _duplicates(out: pd.DataFrame, problems: Problems) -> None:
    keyed = out.loc[(out["sku"] != "") & (out["warehouse"] != "")]
    first = keyed.groupby(["sku", "warehouse"])["_row"].transform("min")
    again = keyed["_row"] != first
    problems.add(again.reindex(out.index, fill_value=False), "sku",
                 N_("{value} in {warehouse} appears twice (also on row {other})."),
                 warehouse=out["warehouse"], other=first.reindex(out.index))


def _consistent(df: pd.DataFrame, out: pd.DataFrame, problems: Problems) -> None:
    """Name, price, reorder level... describe the product: every row of one SKU must agree."""
    keyed = out.loc[out["sku"] != ""]
    if keyed["sku"].is_unique:
        return
    for column in PRODUCT_FIELDS:
        if column not in df.columns:
            continue
        values = _text(df, column).loc[keyed.index]
        first_value = values.groupby(keyed["sku"]).transform("first")
        first_row = keyed.groupby("sku")["_row"].transform("min")
        differs = (values != first_value).reindex(out.index, fill_value=False)
        problems.add(differs, column, N_("“{value}” differs from row {other} for the same SKU ({first})."),
                     other=first_row.reindex(out.index), first=first_value.reindex(out.index))
