"""Checking a stock snapshot file, row by row, before anything is written.

The file has one row per product x warehouse (``bot/demo_data/stock.csv``). The table comes
from ``bot.importing.read_table`` (text, ``_row`` numbers) with number columns already in
dot-decimal form. Every problem is reported with its row number; any problem refuses the file.

Files run to millions of rows but hold few distinct values per column (three warehouses, one
snapshot time, a few thousand quantities), so each column is factorised and only its distinct
values are parsed and checked, then mapped back to the rows.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

import numpy as np
import pandas as pd

from models.core.bulk import plain_frame
from models.core.errors import N_
from models.core.imports import RowError
from models.stock.columns import REQUIRED

QUANTITIES = {"on_hand_qty": "on_hand", "reserved_qty": "reserved", "incoming_qty": "incoming",
              "reorder_level": "reorder_level", "reorder_qty": "reorder_qty"}
# What must be the same on every row of one SKU (it describes the product, not the warehouse).
PRODUCT_FIELDS = ["product_name", "barcode", "uom", "unit_price", "currency", "reorder_level", "reorder_qty"]
LIMITS = {"sku": 64, "product_name": 200, "warehouse": 32, "barcode": 32, "uom": 16, "warehouse_name": 100}
MAX_ERRORS = 500
MAX_QUANTITY = 2_000_000_000  # fits the INTEGER columns

_WHOLE = re.compile(r"\d+(?:\.0+)?")
_NEGATIVE = re.compile(r"-\d+(?:\.\d+)?")
_PRICE = re.compile(r"-?\d+(?:\.\d+)?")
_MINUS = re.compile(r"-.*")
_BARCODE = re.compile(r"[0-9A-Za-z\-]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


class Column:
    """One column's distinct values and, per row, which one it holds."""

    def __init__(self, df: pd.DataFrame, name: str) -> None:
        self.name = name
        if name in df.columns:
            codes, uniques = df[name].factorize(use_na_sentinel=False)  # arrow strings: no object copy first
            self.codes = codes
            self.uniques = np.asarray(uniques.to_numpy(dtype=object, na_value=""), dtype=object)
        else:
            self.codes = np.zeros(len(df), dtype=np.intp)
            self.uniques = np.asarray([""], dtype=object)

    def map(self, fn: Callable[[str], object]) -> np.ndarray:
        """``fn`` applied to each distinct value, spread back to the rows."""
        done = np.empty(len(self.uniques), dtype=object)
        done[:] = [fn(v) for v in self.uniques]
        return done[self.codes]

    def map_codes(self, fn: Callable[[str], object]) -> tuple[np.ndarray, np.ndarray]:
        """``fn`` applied to each distinct value, as (per row, which result; the distinct results).

        Values that become equal (``prd-1`` and ``PRD-1`` upper-cased) share a code; only the
        distinct values are factorised again, not the rows.
        """
        done, uniques = pd.factorize(np.asarray([fn(v) for v in self.uniques], dtype=object))
        return done[self.codes], np.asarray(uniques, dtype=object)

    def where(self, test: Callable[[str], object]) -> np.ndarray:
        """Rows whose value passes ``test`` (a boolean mask)."""
        return np.fromiter((bool(test(v)) for v in self.uniques), dtype=bool, count=len(self.uniques))[self.codes]

    def fullmatch(self, pattern: re.Pattern[str]) -> np.ndarray:
        """Rows whose value matches ``pattern`` whole (in C over the distinct values: SKU-sized columns)."""
        distinct = pd.Series(self.uniques, dtype="string[pyarrow]").str.fullmatch(pattern.pattern)
        return distinct.to_numpy(dtype=bool, na_value=False)[self.codes]

    def empty(self) -> np.ndarray:
        return (self.uniques == "")[self.codes]

    def longer_than(self, limit: int) -> np.ndarray:
        lengths = np.fromiter(map(len, self.uniques), dtype=np.int64, count=len(self.uniques))
        return (lengths > limit)[self.codes]

    def values(self) -> np.ndarray:
        return self.uniques[self.codes]


class Problems:
    """Row errors collected column by column, capped so a broken file stays readable."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.rows = df["_row"].to_numpy()
        self.df = df
        self.items: list[RowError] = []

    def add(self, mask: np.ndarray, column: str, message: str, **extra: np.ndarray | str) -> None:
        if len(self.items) >= MAX_ERRORS or not mask.any():
            return
        raw = self.df[column].to_numpy(dtype=object) if column in self.df.columns else None
        for i in np.flatnonzero(mask)[: MAX_ERRORS - len(self.items)]:
            params = {"value": "" if raw is None else str(raw[i])}
            for key, value in extra.items():
                params[key] = value if isinstance(value, str) else str(value[i])
            self.items.append(RowError(int(self.rows[i]), column, message, params))


def _whole_numbers(df: pd.DataFrame, column: str, problems: Problems, *, required: bool) -> np.ndarray:
    col = Column(df, column)
    empty = col.empty()
    whole = col.where(lambda v: _WHOLE.fullmatch(v) and float(v) <= MAX_QUANTITY)
    negative = col.where(_NEGATIVE.fullmatch)
    if required:
        problems.add(empty, column, N_("The quantity is empty; write 0 if there is none."))
    problems.add(negative, column, N_("“{value}” is negative; quantities are 0 or more."))
    problems.add(~empty & ~whole & ~negative, column, N_("“{value}” is not a whole number (like 120 or 1.200)."))
    parsed = np.asarray([int(float(v)) if _WHOLE.fullmatch(v) and float(v) <= MAX_QUANTITY else 0
                         for v in col.uniques], dtype=np.int64)
    return parsed[col.codes]


def _date(text: str) -> str | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _snapshot(text: str, now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """A snapshot time in UTC: with an offset as given, without one in the company's zone, empty = now."""
    if not text:
        return now.astimezone(dt.UTC)
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if _OFFSET.search(text) else text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def validate(df: pd.DataFrame, *, now: dt.datetime, zone: str = "America/Sao_Paulo") -> tuple[pd.DataFrame, list[RowError]]:
    """The file as typed columns, and every reason to refuse it (empty: it can be imported)."""
    problems = Problems(df)
    cols = {name: Column(df, name) for name in ("sku", "product_name", "warehouse", "barcode", "uom", "currency",
                                                  "unit_price", "incoming_eta", "snapshot_at", "warehouse_name")}
    for column, limit in LIMITS.items():
        problems.add(cols[column].longer_than(limit), column,
                     N_("“{value}” is too long (at most {limit} characters)."), limit=str(limit))
    out = _Typed({"_row": df["_row"].to_numpy(dtype=np.int64)})
    sku_codes, skus = cols["sku"].map_codes(str.upper)
    wh_codes, warehouses = cols["warehouse"].map_codes(str.upper)
    out["sku"] = skus[sku_codes]
    out["sku_code"] = sku_codes  # which distinct SKU each row is: the import groups by it, not by text
    out["name"] = cols["product_name"].values()
    out["warehouse"] = warehouses[wh_codes]
    problems.add(cols["sku"].empty(), "sku", N_("The SKU is empty."))
    problems.add(cols["product_name"].empty(), "product_name", N_("The product name is empty."))
    problems.add(cols["warehouse"].empty(), "warehouse", N_("The warehouse is empty."))
    problems.add(~cols["barcode"].empty() & ~cols["barcode"].fullmatch(_BARCODE), "barcode",
                 N_("“{value}” is not a barcode (digits, like 7890000007061)."))
    out["barcode"] = cols["barcode"].map(lambda v: v or None)
    out["unit"] = cols["uom"].map(lambda v: v.upper() or "UN")
    out["warehouse_name"] = cols["warehouse_name"].values()
    for column, name in QUANTITIES.items():
        out[name] = _whole_numbers(df, column, problems, required=column in REQUIRED)
    problems.add(out["reserved"] > out["on_hand"], "reserved_qty",
                 N_("Reserved ({value}) is more than on hand ({on_hand})."), on_hand=out["on_hand"])
    price = cols["unit_price"]
    problems.add(~price.empty() & ~price.fullmatch(_PRICE), "unit_price",
                 N_("“{value}” is not a price (like 1.234,56 or 1234.56)."))
    problems.add(price.fullmatch(_MINUS), "unit_price", N_("“{value}” is negative; prices are 0 or more."))
    out["unit_price"] = price.map(lambda v: v or None)
    currency = cols["currency"].map(lambda v: v.upper() or "BRL")
    problems.add(cols["currency"].where(lambda v: not _CURRENCY.fullmatch(v.upper() or "BRL")), "currency",
                 N_("“{value}” is not a currency code (like BRL or USD)."))
    out["currency"] = currency
    eta = cols["incoming_eta"]
    problems.add(eta.where(lambda v: v != "" and _date(v) is None), "incoming_eta",
                 N_("“{value}” is not a date (like 2026-12-15 or 15/12/2026)."))
    # An ETA only means something while goods are on their way.
    out["eta"] = np.where(out["incoming"] > 0, eta.map(lambda v: _date(v) if v else None), np.asarray(None))
    tz = zoneinfo.ZoneInfo(zone)
    snap = cols["snapshot_at"]
    problems.add(snap.where(lambda v: _snapshot(v, now, tz) is None), "snapshot_at",
                 N_("“{value}” is not a date and time (like 2026-11-23T08:00:00-03:00)."))
    out["snapshot"] = snap.map(lambda v: _snapshot(v, now, tz) or now.astimezone(dt.UTC))
    _duplicates(out, sku_codes, wh_codes, len(warehouses), problems)
    _consistent(df, cols, sku_codes, len(skus), problems)
    return out.frame(), problems.items


class _Typed(dict[str, np.ndarray]):
    """The typed columns being built; one DataFrame at the end, text kept as plain objects."""

    def __setitem__(self, name: str, values: np.ndarray | pd.Series) -> None:
        super().__setitem__(name, np.asarray(values))

    def frame(self) -> pd.DataFrame:
        return plain_frame(dict(self))


def _duplicates(out: _Typed, sku_codes: np.ndarray, wh_codes: np.ndarray, n_warehouses: int,
                problems: Problems) -> None:
    """The same SKU twice for one warehouse (SKUs and warehouses compared as the import stores them)."""
    key = pd.Series(sku_codes.astype(np.int64) * max(n_warehouses, 1) + wh_codes)
    again = key.duplicated().to_numpy()
    if not again.any():
        return
    first_row = pd.Series(problems.rows).groupby(key).transform("min").to_numpy()
    problems.add(again, "sku", N_("{value} in {warehouse} appears twice (also on row {other})."),
                 warehouse=out["warehouse"], other=first_row)


def _consistent(df: pd.DataFrame, cols: dict[str, Column], sku_codes: np.ndarray, n_skus: int,
                problems: Problems) -> None:
    """Name, price, reorder level... describe the product: every row of one SKU must agree."""
    if n_skus == len(sku_codes):
        return
    _, first = np.unique(sku_codes, return_index=True)
    first_of_row = first[sku_codes]
    for column in PRODUCT_FIELDS:
        if column not in df.columns:
            continue
        col = cols[column] if column in cols else Column(df, column)
        differs = col.codes != col.codes[first_of_row]
        problems.add(differs, column, N_("“{value}” differs from row {other} for the same SKU ({first})."),
                     other=problems.rows[first_of_row], first=col.uniques[col.codes[first_of_row]])
