"""Trades and broker confirmations coming in: files (all or nothing) and one trade at a time.

Every row is checked (ISIN check digit, side, quantity, net = gross ± fees to the cent,
settlement on or after trade date); a refused file changes nothing. The same file twice
changes nothing; a confirmation sent again as REPLACE supersedes, as CANCEL cancels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import or_, select

from models.core.audit import record
from models.core.chunks import in_chunks
from models.core.context import Ctx
from models.core.errors import N_, ValidationError
from models.core.imports import ImportRefused, ImportSummary, RowError
from models.core.notify import notify
from models.core.people import Person, Role, find_person
from models.trades.flow import reopen
from models.trades.matching import MatchOutcome, rematch
from models.trades.rows import (  # noqa: F401 - the API
    CONF_OPTIONAL,
    CONF_REQUIRED,
    ECONOMIC,
    REF_RE,
    TRADE_OPTIONAL,
    TRADE_REQUIRED,
    TRANS_TYPES,
    free_text_refused,
    isin_valid,
    parse_row,
)
from models.trades.tables import Confirmation, ConfirmationStatus, Trade, TradeStatus, add_event, status_name


def _may_import(ctx: Ctx) -> None:
    if ctx.actor is not None:
        ctx.actor.require(Role.backoffice)


def _importer(ctx: Ctx) -> None:
    """A file is always imported by someone: the person named (``--as``), else the configured
    operator (``IMPORT_OPERATOR``); never nobody, or whoever ran it could confirm its trades (four eyes)."""
    if ctx.actor is None:
        who = getattr(ctx.config, "import_operator", None)
        person = find_person(ctx.session, who) if who else None
        if person is None:
            message = (N_("IMPORT_OPERATOR names nobody known (“{who}”); name a person from the people file.") if who
                       else N_("Say who imports the file: --as <e-mail> (or set IMPORT_OPERATOR). Whoever imports "
                               "trades may not confirm them (four eyes)."))
            raise ImportRefused([RowError(0, None, message, {"who": who or ""})])
        ctx.actor = person
    ctx.actor.require(Role.backoffice)


def _refuse_duplicates(df: pd.DataFrame, col: str, errors: list[RowError]) -> None:
    seen: dict[str, int] = {}
    for ref, row in zip(df[col].str.upper(), df["_row"]):
        if ref in seen:
            errors.append(RowError(int(row), col, N_("{value} appears twice (also on row {other})."),
                                   {"value": ref, "other": seen[ref]}))
        seen[ref] = int(row)


def import_trades(ctx: Ctx, df: pd.DataFrame) -> ImportSummary:
    """Book every trade of the file, or none; then match the whole book again."""
    _importer(ctx)
    errors: list[RowError] = []
    _refuse_duplicates(df, "trade_ref", errors)
    people = {p.email: p for p in ctx.session.scalars(select(Person)) if p.email}
    existing = {t.ref: t for part in in_chunks(df["trade_ref"].str.upper().tolist())
                for t in ctx.session.scalars(select(Trade).where(Trade.ref.in_(part))).unique()}
    parsed = []
    for rec in df.to_dict("records"):
        row = int(rec["_row"])
        values, errs = parse_row(rec, confirmation=False, tz=ctx.config.trades_tz)
        values["ref"] = rec["trade_ref"].upper()
        if not REF_RE.fullmatch(values["ref"]):
            errs.append(("trade_ref", N_("“{value}” is not a trade reference (letters, digits, - . _ /)."), {"value": rec["trade_ref"]}))
        booker = people.get(rec["trader_email"].lower())
        if booker is None:
            errs.append(("trader_email", N_("Nobody with e-mail {value} is known; import people first."),
                         {"value": rec["trader_email"]}))
        old = existing.get(values["ref"])
        kind = values["trans_type"] = str(rec.get("trans_type", "") or "NEW").strip().upper()
        if kind not in TRANS_TYPES:
            errs.append(("trans_type", N_("“{value}” is not NEW, REPLACE or CANCEL."), {"value": kind}))
        elif kind == "CANCEL" and old is None:
            errs.append(("trans_type", N_("{kind} of {value}, but no trade {value} was booked before."),
                         {"kind": kind, "value": values["ref"]}))
        elif kind == "CANCEL" and old is not None and old.status == TradeStatus.confirmed.value:
            errs.append(("trans_type", N_("Trade {value} is already {status} and cannot be changed."),
                         {"value": values["ref"], "status": status_name(old.status)}))
        elif kind != "CANCEL" and old is not None and old.status in (TradeStatus.confirmed.value,
                                                                    TradeStatus.cancelled.value) and _differs(old, values):
            errs.append(("trade_ref", N_("Trade {value} is already {status} and cannot be changed."),
                         {"value": values["ref"], "status": status_name(old.status)}))
        errors.extend(RowError(row, c, m, p) for c, m, p in errs)
        parsed.append((values, booker))
    if errors:
        raise ImportRefused(errors)
    summary = ImportSummary()
    fresh: list[Trade] = []
    for values, booker in parsed:
        old = existing.get(values["ref"])
        if values["trans_type"] == "CANCEL":
            assert old is not None  # a CANCEL of an unknown trade was refused above
            outcome = _cancel_trade(ctx, old)
        else:
            assert booker is not None  # an unknown trader was refused above
            outcome = _upsert_trade(ctx, values, booker, old, fresh)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    _booked(ctx, fresh)
    return _finish(ctx, summary, "trades")


def _booked(ctx: Ctx, fresh: list[Trade]) -> None:
    """History and audit of new trades, after one flush for all of them (a flush per row is slow)."""
    ctx.session.flush()
    for trade in fresh:
        add_event(ctx, trade, "booked", None)
        record(ctx, "trade.booked", trade, after=trade.economics())


def book_trade(ctx: Ctx, *, trader_email: str, **fields: Any) -> Trade:
    """Book (or amend) one trade, as the front office's system will; the book is matched again.

    ``fields`` are the file's columns (trade_ref, trade_date, ... as text or typed values).
    """
    _may_import(ctx)
    values, errs = parse_row({k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in fields.items()},
                             confirmation=False, tz=ctx.config.trades_tz)
    booker = ctx.session.scalar(select(Person).where(Person.email == trader_email.lower()))
    if booker is None:
        errs.append(("trader_email", N_("Nobody with e-mail {value} is known; import people first."), {"value": trader_email}))
    if errs or booker is None:  # no booker is one of the errors
        column, message, params = errs[0]
        raise ValidationError(message, field=column, **params)
    values["ref"] = str(fields.get("trade_ref", "")).strip().upper()
    if not REF_RE.fullmatch(values["ref"]):
        raise ValidationError(N_("“{value}” is not a trade reference (letters, digits, - . _ /)."), field="trade_ref",
                              value=values["ref"])
    old = ctx.session.scalars(select(Trade).where(Trade.ref == values["ref"]).with_for_update(of=Trade)).unique().one_or_none()
    if old is not None and old.status in (TradeStatus.confirmed.value, TradeStatus.cancelled.value) and _differs(old, values):
        raise ValidationError(N_("Trade {value} is already {status} and cannot be changed."), value=values["ref"], status=status_name(old.status))
    fresh: list[Trade] = []
    _upsert_trade(ctx, values, booker, old, fresh)
    _booked(ctx, fresh)
    rematch(ctx)
    return ctx.session.scalars(select(Trade).where(Trade.ref == values["ref"])).unique().one()


def _differs(obj: Any, values: dict[str, Any]) -> bool:
    return any(getattr(obj, k) != values[k] for k in ECONOMIC)


def _upsert_trade(ctx: Ctx, values: dict[str, Any], booker: Person, old: Trade | None,
                  fresh: list[Trade]) -> str:
    econ = {k: values[k] for k in ECONOMIC}
    if old is None:
        trade = Trade(ref=values["ref"], **econ, booked_by_id=booker.id, imported_by_id=ctx.actor.id if ctx.actor else None,
                      status=TradeStatus.unmatched.value, breaks=[], created_at=ctx.now, updated_at=ctx.now)
        ctx.session.add(trade)
        fresh.append(trade)
        return "created"
    if not _differs(old, values) and old.booked_by_id == booker.id:
        return "unchanged"
    before = old.economics()
    for k, v in econ.items():
        setattr(old, k, v)
    old.booked_by_id = booker.id
    old.imported_by_id = ctx.actor.id if ctx.actor else old.imported_by_id
    old.updated_at = ctx.now
    add_event(ctx, old, "amended", old.status)
    record(ctx, "trade.amended", old, before=before, after=old.economics())
    return "updated"


def _cancel_trade(ctx: Ctx, trade: Trade) -> str:
    """The front office cancelled it: out of matching (its confirmation is free again) and of the report."""
    if trade.status == TradeStatus.cancelled.value:
        return "unchanged"
    was = trade.status
    before = {"status": was, "confirmation_id": trade.confirmation_id, "breaks": trade.breaks}
    trade.status, trade.confirmation_id, trade.breaks, trade.updated_at = TradeStatus.cancelled.value, None, [], ctx.now
    add_event(ctx, trade, "cancelled", was)
    record(ctx, "trade.cancelled", trade, before=before, after={"status": trade.status})
    return "updated"


def import_confirmations(ctx: Ctx, df: pd.DataFrame) -> ImportSummary:
    """Take in a broker file (NEW / REPLACE / CANCEL), all or nothing; then match the book again.

    A REPLACE that changes the terms, or a CANCEL, of a confirmation whose trade was confirmed
    reopens that trade (see :func:`models.trades.flow.reopen`) before it is matched again."""
    _importer(ctx)
    errors: list[RowError] = []
    _refuse_duplicates(df, "confirm_id", errors)
    ids = df["confirm_id"].str.upper().tolist()
    existing = {c.confirm_id: c for part in in_chunks(ids)
                for c in ctx.session.scalars(select(Confirmation).where(Confirmation.confirm_id.in_(part)))}
    parsed = []
    for rec in df.to_dict("records"):
        row = int(rec["_row"])
        values, errs = parse_row(rec, confirmation=True, tz=ctx.config.trades_tz)
        values["confirm_id"] = rec["confirm_id"].upper()
        if not REF_RE.fullmatch(values["confirm_id"]):
            errs.append(("confirm_id", N_("“{value}” is not a confirmation id (letters, digits, - . _ /)."),
                         {"value": rec["confirm_id"]}))
        values["broker_ref"] = rec["broker_ref"][:40]
        if free_text_refused(values["broker_ref"]):
            errs.append(("broker_ref", N_("“{value}” cannot start with = + - @ or a tab (a spreadsheet would run it)."),
                         {"value": values["broker_ref"][:40]}))
        old = existing.get(values["confirm_id"])
        kind = values.get("trans_type")
        if not errs:
            if kind in ("REPLACE", "CANCEL") and old is None:
                errs.append(("confirm_trans_type", N_("{kind} of {value}, but no confirmation {value} was received before."),
                             {"kind": kind, "value": values["confirm_id"]}))
            elif kind == "NEW" and old is not None and old.trans_type == "NEW" and _differs(old, values):
                errs.append(("confirm_trans_type", N_("{value} was already received with other values; send the correction as REPLACE."),
                             {"value": values["confirm_id"]}))
        errors.extend(RowError(row, c, m, p) for c, m, p in errs)
        parsed.append(values)
    if errors:
        raise ImportRefused(errors)
    summary = ImportSummary()
    fresh: list[Confirmation] = []
    for values in parsed:
        _reopen_if_confirmed(ctx, existing.get(values["confirm_id"]), values)
        outcome = _upsert_confirmation(ctx, values, existing.get(values["confirm_id"]), fresh)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    ctx.session.flush()
    for conf in fresh:
        record(ctx, "confirmation.received", conf,
               after={**{k: getattr(conf, k) for k in ECONOMIC}, "trans_type": conf.trans_type})
    return _finish(ctx, summary, "confirmations")


def _reopen_if_confirmed(ctx: Ctx, old: Confirmation | None, values: dict[str, Any]) -> None:
    """The broker amends (REPLACE with other terms) or cancels what a confirmed trade was confirmed on."""
    if old is None or old.status != ConfirmationStatus.active.value or values["trans_type"] == "NEW":
        return
    changed = [k for k in ECONOMIC if getattr(old, k) != values[k]]
    why = "cancelled" if values["trans_type"] == "CANCEL" else "replaced"
    if why == "replaced" and not changed:
        return  # the same terms sent again: the confirmation stands
    holder = ctx.session.scalars(select(Trade).where(
        Trade.status == TradeStatus.confirmed.value,
        or_(Trade.confirmation_id == old.id, Trade.id == old.fill_of_id)).with_for_update(of=Trade)).unique().one_or_none()
    if holder is not None:
        reopen(ctx, holder, old, why, changed if why == "replaced" else [])


def _upsert_confirmation(ctx: Ctx, values: dict[str, Any], old: Confirmation | None,
                         fresh: list[Confirmation]) -> str:
    econ = {k: values[k] for k in ECONOMIC}
    kind = values["trans_type"]
    received = values["received_at"] or ctx.now
    if old is None:
        conf = Confirmation(confirm_id=values["confirm_id"], broker_ref=values["broker_ref"], trans_type=kind,
                            gross_amount=values["gross_amount"], received_at=received,
                            imported_by_id=ctx.actor.id if ctx.actor else None, created_at=ctx.now, updated_at=ctx.now,
                            **econ)
        ctx.session.add(conf)
        fresh.append(conf)
        return "created"
    if kind == "NEW" or (old.trans_type == kind and old.received_at == received and not _differs(old, values)):
        return "unchanged"  # the same message again
    before = {**{k: getattr(old, k) for k in ECONOMIC}, "status": old.status, "trans_type": old.trans_type}
    old.trans_type, old.version, old.updated_at, old.received_at = kind, old.version + 1, ctx.now, received
    if kind == "CANCEL":
        old.status = ConfirmationStatus.cancelled.value
    else:
        for k, v in econ.items():
            setattr(old, k, v)
        old.gross_amount, old.broker_ref = values["gross_amount"], values["broker_ref"]
        old.status = ConfirmationStatus.active.value
    record(ctx, f"confirmation.{kind.lower()}", old, before=before,
           after={**{k: getattr(old, k) for k in ECONOMIC}, "status": old.status, "trans_type": kind})
    return "updated"


def _finish(ctx: Ctx, summary: ImportSummary, kind: str) -> ImportSummary:
    outcome = rematch(ctx)
    summary.extra.update(outcome.as_extra())
    _announce(ctx, kind, summary, outcome)
    return summary


def _announce(ctx: Ctx, kind: str, summary: ImportSummary, outcome: MatchOutcome) -> None:
    """Tell the trades channel how the book stands after an import (only when something moved)."""
    if summary.created == summary.updated == 0 and outcome.changed == 0:
        return
    notify(ctx, "trades/import_summary", {
        "kind": kind, "created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
        "by": ctx.actor.name if ctx.actor else None, **outcome.as_extra(), "alleged_ids": outcome.alleged[:10],
    }, channel=ctx.config.trades_channel)
