"""One row of a trades or confirmations file, typed and checked: what it says and what is wrong with it."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from models.core.errors import N_
from models.core.numbers import to_decimal

TRADE_REQUIRED = ["trade_ref", "trade_date", "settlement_date", "account", "side", "isin", "quantity", "price",
                  "fees", "net_amount", "broker", "trader_email"]
TRADE_OPTIONAL = ["ticker", "currency", "gross_amount", "trans_type"]
CONF_REQUIRED = ["confirm_id", "broker", "broker_ref", "account", "trade_date", "settlement_date", "side", "isin",
                 "quantity", "price", "fees", "net_amount"]
CONF_OPTIONAL = ["confirm_trans_type", "ticker", "currency", "gross_amount", "received_at"]
DECIMALS = ("price", "fees", "net_amount", "gross_amount")
SIDES = {"BUY": "BUY", "B": "BUY", "C": "BUY", "COMPRA": "BUY", "SELL": "SELL", "S": "SELL", "V": "SELL",
         "VENDA": "SELL"}
TRANS_TYPES = ("NEW", "REPLACE", "CANCEL")
REF_RE = re.compile(r"[A-Z0-9][A-Z0-9._/-]{0,39}")
ISIN_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{9}[0-9]$")
CENT = Decimal("0.01")
LIMIT = Decimal(10) ** 13  # amounts are stored with 14 integer digits; nothing real comes close
# Codes a spreadsheet cannot mistake for a formula (OWASP CSV injection: no leading = + - @ tab CR).
NAME_RE = re.compile(r"[A-Z0-9\u00C0-\u00DD][A-Z0-9\u00C0-\u00DD ._/&-]*")
TICKER_RE = re.compile(r"[A-Z0-9][A-Z0-9.]{0,19}")
ECONOMIC = ("trade_date", "settlement_date", "account", "side", "isin", "ticker", "quantity", "price", "currency",
            "fees", "net_amount", "broker")


def isin_valid(isin: str) -> bool:
    """ISO 6166: letters become numbers (A=10), then the Luhn check over the digits."""
    if not ISIN_RE.match(isin):
        return False
    digits = "".join(str(int(ch, 36)) for ch in isin)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_row(rec: dict[str, Any], *, confirmation: bool, tz: str) -> tuple[dict[str, Any], list[tuple[str, str, dict]]]:
    """Typed values of one trade or confirmation row, and what is wrong with it (column, message, params)."""
    out: dict[str, Any] = {}
    errs: list[tuple[str, str, dict]] = []
    for col in ("trade_date", "settlement_date"):
        out[col] = _date(str(rec.get(col, "")))
        if out[col] is None:
            errs.append((col, N_("“{value}” is not a date; write it as 2026-11-23 or 23/11/2026."), {"value": rec.get(col, "")}))
    side = SIDES.get(str(rec.get("side", "")).strip().upper())
    out["side"] = side
    if side is None:
        errs.append(("side", N_("Side “{value}” is neither BUY nor SELL."), {"value": rec.get("side", "")}))
    isin = str(rec.get("isin", "")).strip().upper()
    out["isin"] = isin
    if not isin_valid(isin):
        errs.append(("isin", N_("“{value}” is not a valid ISIN (12 characters with a correct check digit, like BRPETRACNPR6)."),
                     {"value": isin}))
    for col in DECIMALS:
        raw = rec.get(col, "")
        out[col] = to_decimal(raw) if raw not in ("", None) else None
        if out[col] is None and (raw not in ("", None) or col != "gross_amount"):
            errs.append((col, N_("“{value}” is not a number."), {"value": raw}))
    qty = to_decimal(rec.get("quantity", ""))
    if qty is None or qty != qty.to_integral_value() or qty < 1:  # an order that did not fill is no confirmation
        errs.append(("quantity", N_("Quantity must be a whole number above zero, not “{value}”."),
                     {"value": rec.get("quantity", "")}))
        out["quantity"] = None
    else:
        out["quantity"] = int(qty)
    if out["price"] is not None and out["price"] <= 0:
        errs.append(("price", N_("The price must be above zero, not “{value}”."), {"value": rec.get("price", "")}))
        out["price"] = None
    if out["fees"] is not None and out["fees"] < 0:
        errs.append(("fees", N_("{column} cannot be negative."), {"column": "fees"}))
    for col in DECIMALS:
        if out[col] is not None and abs(out[col]) >= LIMIT:
            errs.append((col, N_("{column} is too large: {value}."), {"column": col, "value": rec.get(col, "")}))
            out[col] = None
    if out["quantity"] is not None and out["quantity"] >= LIMIT:
        errs.append(("quantity", N_("{column} is too large: {value}."), {"column": "quantity", "value": rec.get("quantity")}))
        out["quantity"] = None
    for col, limit in (("account", 60), ("broker", 40)):
        out[col] = str(rec.get(col, "")).strip().upper()
        if not out[col] or len(out[col]) > limit:
            errs.append((col, N_("{column} is empty or longer than {limit} characters."), {"column": col, "limit": limit}))
        elif not NAME_RE.fullmatch(out[col]):
            errs.append((col, N_("“{value}” is not an account or broker code (letters, digits, spaces and - . _ / &, "
                                 "starting with a letter or digit)."), {"value": _shown(out[col])}))
    out["ticker"] = str(rec.get("ticker", "") or "").strip().upper() or isin[2:6]
    if not TICKER_RE.fullmatch(out["ticker"]):
        errs.append(("ticker", N_("“{value}” is not a ticker (letters and digits, like PETR4)."),
                     {"value": _shown(out["ticker"])}))
    out["currency"] = str(rec.get("currency", "") or "BRL").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", out["currency"]):
        errs.append(("currency", N_("“{value}” is not a currency code (like BRL)."), {"value": out["currency"]}))
    if out["trade_date"] and out["settlement_date"] and out["settlement_date"] < out["trade_date"]:
        errs.append(("settlement_date", N_("Settlement date {settle} is before trade date {trade}."),
                     {"settle": out["settlement_date"].isoformat(), "trade": out["trade_date"].isoformat()}))
    if not errs and abs(out["quantity"] * out["price"]) >= LIMIT:
        errs.append(("quantity", N_("{column} is too large: {value}."), {"column": "quantity × price",
                                                                         "value": out["quantity"] * out["price"]}))
    if not errs:
        gross = out["quantity"] * out["price"]
        if out.get("gross_amount") is not None and _cents(out["gross_amount"]) != _cents(gross):
            errs.append(("gross_amount", N_("Gross amount {gross} is not quantity × price = {expected}."),
                         {"gross": out["gross_amount"], "expected": _cents(gross)}))
        out["gross_amount"] = _cents(gross) if out.get("gross_amount") is None else out["gross_amount"]
        expected = gross + out["fees"] if side == "BUY" else gross - out["fees"]
        if _cents(out["net_amount"]) != _cents(expected):
            errs.append(("net_amount", N_("Net amount {net} is not gross {sign} fees = {expected} (to the cent)."),
                         {"net": out["net_amount"], "sign": "+" if side == "BUY" else "−", "expected": _cents(expected)}))
    if confirmation:
        out["trans_type"] = str(rec.get("confirm_trans_type", "") or "NEW").strip().upper()
        if out["trans_type"] not in TRANS_TYPES:
            errs.append(("confirm_trans_type", N_("“{value}” is not NEW, REPLACE or CANCEL."), {"value": out["trans_type"]}))
        out["received_at"] = _moment(str(rec.get("received_at", "") or ""), tz)
        if rec.get("received_at") and out["received_at"] is None:
            errs.append(("received_at", N_("“{value}” is not a date and time (like 2026-11-23T19:30:00-03:00)."),
                         {"value": rec.get("received_at")}))
    return out, errs


def _shown(value: str) -> str:
    """A refused value as the reason quotes it: short, on one line."""
    value = re.sub(r"[\x00-\x1f\x7f]", " ", value)
    return value if len(value) <= 40 else value[:39] + "…"


def free_text_refused(value: str) -> bool:
    """A free-text code (a broker's reference) that a spreadsheet would run as a formula."""
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _moment(text: str, tz: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(tz))
    return value.astimezone(dt.UTC)


