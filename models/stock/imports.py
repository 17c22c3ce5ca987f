"""Importing a stock snapshot: products, warehouses and levels in one transaction, all or nothing.

Rows are compared with what is stored, so the summary says what was created, updated or left
unchanged, and only differences are written (bulk: COPY on PostgreSQL). The same transaction
alerts the stock channel about products that newly fell to their reorder level (once per
crossing) and DMs people watching a product that is back in stock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from models.core.audit import record
from models.core.bulk import (
    in_chunks,
    insert_frame,
    is_postgres,
    next_ids,
    plain_frame,
    read_frame,
    timestamps,
    update_frame,
    upsert_frame,
)
from models.core.context import Ctx
from models.core.imports import ImportRefused, ImportSummary
from models.core.notify import notify
from models.core.people import Person, Role
from models.stock.checks import validate
from models.stock.tables import StockWatch, Warehouse, bump_catalogue

PRODUCT_COLUMNS = ["name", "barcode", "unit", "unit_price", "currency", "reorder_level", "reorder_qty"]
LEVEL_COLUMNS = ["on_hand", "reserved", "incoming", "eta"]
ALERT_LIST = 20


def _decimal_texts(series: pd.Series) -> np.ndarray:
    """Prices as normalised text (``1187.080000`` -> ``1187.08``), to compare file and database exactly.

    Prices were checked to be plain decimals, so trailing and leading zeros go by regular
    expression, in C, not one ``Decimal`` per product.
    """
    values = series.to_numpy(dtype=object)
    if len(values) and not all(isinstance(v, str | None) for v in values[:1]):
        values = np.asarray([None if v is None else str(v) for v in values], dtype=object)  # Decimals from a driver
    text = pd.Series(values, dtype="string[pyarrow]")
    text = (text.str.replace(r"^(\d+\.\d*?)0+$", r"\1", regex=True).str.replace(r"\.$", "", regex=True)
            .str.replace(r"^0+(\d)", r"\1", regex=True))
    return text.to_numpy(dtype=object, na_value=None)


def _date_text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    return str(value)[:10]


def import_stock(ctx: Ctx, table: pd.DataFrame, progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Import a snapshot (see :mod:`models.stock.checks` for the columns). Back office or admins."""
    if ctx.actor is not None:
        ctx.actor.require(Role.backoffice)
    tick = progress or (lambda _done: None)
    total = len(table)
    clean, errors = validate(table, now=ctx.now, zone=ctx.config.tz_default)
    if errors:
        raise ImportRefused(errors)
    tick(total // 4)
    session = ctx.session
    version = bump_catalogue(session, ctx.now)  # row lock: concurrent imports queue here
    warehouses, new_warehouses = _warehouses(ctx, clean)
    products, new_products = _products(ctx, clean)
    tick(total // 2)
    at = clean["sku_code"].to_numpy()  # products are in order of the file's distinct SKUs
    product_ids = products["id"].to_numpy(dtype=np.int64)[at]
    warehouse_ids = clean["warehouse"].map(warehouses).to_numpy(dtype=np.int64)
    levels = _levels(ctx, clean, product_ids, warehouse_ids, products.loc[~products["new"], "id"],
                     progress=lambda frac: tick(total // 2 + int(frac * total * 0.4)))
    changed_product = products["changed"].to_numpy(dtype=bool)[at]
    created = int(levels.new.sum())
    updated = int((~levels.new & (levels.changed | changed_product)).sum())
    alerts = _low_stock_crossings(ctx, products, levels.totals)
    back = _back_in_stock(ctx, products, levels.totals)
    summary = ImportSummary(created=created, updated=updated, unchanged=total - created - updated, extra={
        "products created": new_products, "warehouses created": new_warehouses,
        "low-stock alerts": alerts, "back-in-stock messages": back,
    })
    record(ctx, "stock.imported", ("stock_catalogue", version), after={
        "rows": total, "created": created, "updated": updated, "unchanged": summary.unchanged, **summary.extra})
    tick(total)
    return summary


def _warehouses(ctx: Ctx, clean: pd.DataFrame) -> tuple[dict[str, int], int]:
    known = dict(ctx.session.execute(select(Warehouse.code, Warehouse.id)).all())
    named = clean.loc[clean["warehouse_name"] != ""].drop_duplicates("warehouse").set_index("warehouse")["warehouse_name"]
    fresh = [code for code in clean["warehouse"].unique() if code not in known]
    for code in fresh:
        wh = Warehouse(code=code, name=named.get(code) or None)
        ctx.session.add(wh)
        ctx.session.flush()
        known[code] = wh.id
        record(ctx, "stock.warehouse_created", wh, after={"code": code})
    return known, len(fresh)


def _plain(value: object) -> object:
    """A value fit for the audit's JSON (numpy scalars become Python ones)."""
    return value.item() if isinstance(value, np.generic) else value


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality of two object arrays where two missing values are the same."""
    return (a == b) | (pd.isna(a) & pd.isna(b))


def _products(ctx: Ctx, clean: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Create and update products; returns per SKU: id, new, changed, reorder level, name, low state."""
    session = ctx.session
    # One row per distinct SKU, in the order of ``sku_code``; validation made its rows agree.
    first = clean.iloc[np.unique(clean["sku_code"].to_numpy(), return_index=True)[1]]
    # Plain object arrays: pandas' arrow-backed strings are many times slower at lookups.
    wanted = plain_frame({c: first[c].to_numpy(dtype=np.int64 if c in ("reorder_level", "reorder_qty") else object)
                          for c in ["sku", *PRODUCT_COLUMNS]} | {"unit_price": _decimal_texts(first["unit_price"])})
    cols = ["id", "sku", *PRODUCT_COLUMNS, "is_low", "low_crossings"]
    # PostgreSQL pads prices to the column's scale (1187.080000): trimmed there, the usual price
    # compares equal as text and only those that differ are normalised here.
    exprs = ["trim_scale(unit_price)" if c == "unit_price" and is_postgres(session) else c for c in cols]
    stored = read_frame(session, "SELECT " + ", ".join(exprs) + " FROM stock_products", cols,
                        keys=wanted["sku"].tolist(), key_column="sku",
                        ints=("id", "reorder_level", "reorder_qty", "low_crossings"), flags=("is_low",))
    pos = pd.Index(stored["sku"].to_numpy(dtype=object)).get_indexer(wanted["sku"].to_numpy(dtype=object))
    new = pos < 0
    old_pos = pos[~new]
    prices = stored["unit_price"].to_numpy(dtype=object).copy()
    if len(old_pos):
        apart = np.zeros(len(prices), dtype=bool)
        apart[old_pos] = ~_same(wanted["unit_price"].to_numpy(dtype=object)[~new], prices[old_pos])
        if apart.any():
            prices[apart] = _decimal_texts(pd.Series(prices[apart], dtype=object))
    stored["unit_price"] = pd.Series(prices, dtype=object, index=stored.index)
    differs = np.zeros(len(wanted), dtype=bool)
    for column in PRODUCT_COLUMNS:
        differs[~new] |= ~_same(wanted[column].to_numpy(dtype=object)[~new],
                                stored[column].to_numpy(dtype=object)[old_pos])
    stamp = timestamps(pd.Series([ctx.now]), session).iloc[0]
    ids = np.empty(len(wanted), dtype=np.int64)
    ids[~new] = stored["id"].to_numpy()[old_pos]
    # Products are created only here, under the catalogue lock: one jump of the id sequence.
    ids[new] = next_ids(session, "stock_products", int(new.sum()), serialised=True)
    if new.any():
        insert_frame(session, "stock_products", plain_frame({
            "id": ids[new], **{c: wanted[c].to_numpy()[new] for c in wanted.columns},
            "is_low": np.zeros(int(new.sum()), dtype=bool), "low_crossings": np.zeros(int(new.sum()), dtype=np.int64),
            "created_at": np.full(int(new.sum()), stamp, dtype=object),
            "updated_at": np.full(int(new.sum()), stamp, dtype=object)}))
    if differs.any():
        update_frame(session, "stock_products", wanted.loc[differs, PRODUCT_COLUMNS].assign(
            id=ids[differs], updated_at=stamp), ["id"])
        for i in np.flatnonzero(differs)[:200]:  # per-product trail for ordinary files; big ones are summarised
            was, now = stored.iloc[pos[i]], wanted.iloc[i]
            fields = [c for c in PRODUCT_COLUMNS if not _same(np.asarray([now[c]], dtype=object),
                                                                 np.asarray([was[c]], dtype=object))[0]]
            record(ctx, "stock.product_updated", ("stock_products", int(ids[i])),
                   before={c: _plain(was[c]) for c in fields}, after={c: _plain(now[c]) for c in fields})
    is_low = np.zeros(len(wanted), dtype=bool)
    is_low[~new] = stored["is_low"].to_numpy(dtype=bool)[old_pos]
    crossings = np.zeros(len(wanted), dtype=np.int64)
    crossings[~new] = stored["low_crossings"].to_numpy()[old_pos]
    products = plain_frame({
        "id": ids, "new": new, "changed": differs, "is_low": is_low, "low_crossings": crossings,
        "reorder_level": wanted["reorder_level"].to_numpy(dtype=np.int64), "name": wanted["name"].to_numpy(),
    }).set_index(pd.Index(wanted["sku"].to_numpy(dtype=object), name="sku"))
    return products, int(new.sum())


@dataclass
class Levels:
    """What the import did to each row's level (``new``, ``changed``) and each product's totals."""

    new: np.ndarray
    changed: np.ndarray
    totals: pd.DataFrame  # by product id: available_before, available_after, projected_after


def _levels(ctx: Ctx, clean: pd.DataFrame, product_ids: np.ndarray, warehouse_ids: np.ndarray,
            known_products: pd.Series, progress: Callable[[float], None]) -> Levels:
    """Write new and changed levels (one upsert); per row whether it was new or changed, and totals."""
    session = ctx.session
    cols = ["product_id", "warehouse_id", "on_hand", "reserved", "incoming", "incoming_eta"]
    ints = ("product_id", "warehouse_id", "on_hand", "reserved", "incoming")
    if len(known_products):  # products created just now have no stored levels: nothing to read
        stored = read_frame(session, "SELECT " + ", ".join(cols) + " FROM stock_levels", cols,
                            keys=[int(x) for x in known_products], key_column="product_id", ints=ints)
        stored = stored.loc[stored["product_id"].isin(known_products.to_numpy())]
    else:
        stored = pd.DataFrame({c: np.empty(0, dtype=np.int64) for c in ints}).assign(incoming_eta=None)
    codes, etas = pd.factorize(stored["incoming_eta"].to_numpy(dtype=object), use_na_sentinel=False)
    stored_eta = np.asarray([_date_text(v) for v in etas] or [None], dtype=object)[codes]  # few distinct dates
    # One int64 key per product x warehouse, so matching a million rows is one hash lookup each.
    width = int(max(warehouse_ids.max(initial=0), stored["warehouse_id"].max() if len(stored) else 0)) + 1
    file_key = product_ids * width + warehouse_ids
    stored_key = stored["product_id"].to_numpy(dtype=np.int64) * width + stored["warehouse_id"].to_numpy(dtype=np.int64)
    pos = pd.Index(stored_key).get_indexer(file_key)
    new = pos < 0
    on_hand, reserved = clean["on_hand"].to_numpy(dtype=np.int64), clean["reserved"].to_numpy(dtype=np.int64)
    incoming, eta = clean["incoming"].to_numpy(dtype=np.int64), clean["eta"].to_numpy(dtype=object)
    same = np.zeros(len(clean), dtype=bool)
    if len(stored):
        p = np.where(new, 0, pos)
        same = (~new & (on_hand == stored["on_hand"].to_numpy()[p]) & (reserved == stored["reserved"].to_numpy()[p])
                & (incoming == stored["incoming"].to_numpy()[p]) & _same(eta, stored_eta[p]))
    changed = ~new & ~same
    write = new | changed
    out = plain_frame({
        "product_id": product_ids[write], "warehouse_id": warehouse_ids[write], "on_hand": on_hand[write],
        "reserved": reserved[write], "incoming": incoming[write], "incoming_eta": eta[write],
        "updated_at": timestamps(clean["snapshot"].loc[write], session).to_numpy(),
    })
    fresh = new[write]
    chunk = 250_000  # rows per statement: the progress bar moves, and memory stays flat
    for start in range(0, len(out), chunk):
        upsert_frame(session, "stock_levels", out.iloc[start:start + chunk], ["product_id", "warehouse_id"],
                     known_new=fresh[start:start + chunk])
        progress(min(1.0, (start + chunk) / len(out)))
    progress(1.0)
    # Totals per product before and after (warehouses not in the file keep their stored levels).
    in_file = np.zeros(len(stored), dtype=bool)
    in_file[pos[~new]] = True
    before_avail = stored["on_hand"].to_numpy() - stored["reserved"].to_numpy()
    kept_projected = before_avail + stored["incoming"].to_numpy()
    ids = np.concatenate([product_ids, stored["product_id"].to_numpy(dtype=np.int64)[~in_file]])
    after = pd.DataFrame({
        "product_id": ids,
        "available": np.concatenate([on_hand - reserved, before_avail[~in_file]]),
        "projected": np.concatenate([on_hand + incoming - reserved, kept_projected[~in_file]]),
    }).groupby("product_id").sum()
    before = pd.Series(before_avail, index=stored["product_id"].to_numpy(dtype=np.int64)).groupby(level=0).sum()
    totals = pd.DataFrame({
        "available_before": before.reindex(after.index, fill_value=0),
        "available_after": after["available"], "projected_after": after["projected"],
    })
    return Levels(new=new, changed=changed, totals=totals)


def _low_stock_crossings(ctx: Ctx, products: pd.DataFrame, totals: pd.DataFrame) -> int:
    """Flag products that fell to their reorder level (alerting once) and unflag those that recovered."""
    state = products.join(totals[["projected_after", "available_after"]], on="id")
    # No reorder level (0): never low, so never alerted.
    low_now = (state["reorder_level"] > 0) & (state["projected_after"] <= state["reorder_level"])
    was_low = state["is_low"].astype(bool)
    crossed, recovered = state.loc[low_now & ~was_low], state.loc[~low_now & was_low]
    changes = pd.concat([
        pd.DataFrame({"id": crossed["id"], "is_low": True, "low_crossings": crossed["low_crossings"].astype("int64") + 1}),
        pd.DataFrame({"id": recovered["id"], "is_low": False, "low_crossings": recovered["low_crossings"].astype("int64")}),
    ])
    update_frame(ctx.session, "stock_products", changes.reset_index(drop=True), ["id"])
    if crossed.empty:
        return 0
    crossed = crossed.assign(
        crossing=crossed["low_crossings"].astype("int64") + 1,
        cover=crossed["projected_after"] / crossed["reorder_level"].where(crossed["reorder_level"] > 0, 1),
    ).sort_values(["cover", "projected_after", "reorder_level"], ascending=[True, True, False])
    items = [{"sku": sku, "name": r["name"], "projected": int(r["projected_after"]),
              "available": int(r["available_after"]), "reorder_level": int(r["reorder_level"])}
             for sku, r in crossed.head(ALERT_LIST).iterrows()]
    key = ",".join(f"{int(i)}#{int(n)}" for i, n in zip(crossed["id"], crossed["crossing"]))
    notify(ctx, "stock/low_alert", {"items": items, "total": len(crossed)}, channel=ctx.config.stock_channel,
           dedup_key="stock.low:" + hashlib.sha1(key.encode()).hexdigest())
    for sku, r in crossed.head(200).iterrows():
        record(ctx, "stock.low_crossed", ("stock_products", int(r["id"])),
               after={"sku": sku, "projected": int(r["projected_after"]), "reorder_level": int(r["reorder_level"])})
    return len(crossed)


def _back_in_stock(ctx: Ctx, products: pd.DataFrame, totals: pd.DataFrame) -> int:
    """DM everyone watching a product whose available total went from 0 to more; their watch ends."""
    watched = set(ctx.session.scalars(select(StockWatch.product_id).distinct()))
    if not watched:
        return 0
    back = totals.loc[(totals["available_before"] <= 0) & (totals["available_after"] > 0)]
    back = back.loc[back.index.isin(list(watched))]
    if back.empty:
        return 0
    names = products.reset_index().set_index("id")
    back = back.assign(sku=names["sku"].reindex(back.index), name=names["name"].reindex(back.index))
    watches: list[tuple[StockWatch, Person]] = []
    ids = [int(i) for i in back.index]
    for chunk in in_chunks(ids):
        watches.extend(ctx.session.execute(
            select(StockWatch, Person).join(Person, Person.id == StockWatch.person_id)
            .where(StockWatch.product_id.in_(chunk))).all())
    for watch, person in watches:
        row = back.loc[watch.product_id]
        notify(ctx, "stock/back_in_stock", {"sku": row["sku"], "name": row["name"], "available": int(row["available_after"])},
               person=person, dedup_key=f"stock.back:{watch.id}")
        record(ctx, "stock.watch_fulfilled", watch, before={"sku": row["sku"], "person": person.id})
    if watches:
        ctx.session.execute(delete(StockWatch).where(StockWatch.id.in_([w.id for w, _p in watches])))
    return len(watches)
