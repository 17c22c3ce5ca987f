"""Importing a stock snapshot: products, warehouses and levels in one transaction, all or nothing.

Rows are compared with what is stored, so the summary says what was created, updated or left
unchanged, and only differences are written (bulk: COPY on PostgreSQL). The same transaction
alerts the stock channel about products that newly fell to their reorder level (once per
crossing) and DMs people watching a product that is back in stock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from models.core.audit import record
from models.core.bulk import in_chunks, insert_frame, read_frame, timestamps, update_frame
from models.core.context import Ctx
from models.core.imports import ImportRefused, ImportSummary
from models.core.notify import notify
from models.core.people import Person, Role
from models.stock.checks import validate
from models.stock.tables import StockWatch, Warehouse, bump_catalogue

PRODUCT_COLUMNS = ["name", "barcode", "unit", "unit_price", "currency", "reorder_level", "reorder_qty"]
LEVEL_COLUMNS = ["on_hand", "reserved", "incoming", "eta"]
ALERT_LIST = 20


def _decimal_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value == "":
        return None
    return format(Decimal(str(value)).normalize(), "f")


def _decimal_texts(series: pd.Series) -> pd.Series:
    """Prices as normalised text, to compare file and database exactly (each distinct value once)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object), use_na_sentinel=False)
    text = np.empty(len(uniques), dtype=object)
    text[:] = [_decimal_text(v) for v in uniques]
    return pd.Series(text[codes] if len(series) else [], index=series.index, dtype=object)


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
    at = products.index.get_indexer(clean["sku"].to_numpy(dtype=object))  # every SKU is there by now
    clean = clean.assign(product_id=products["id"].to_numpy()[at], warehouse_id=clean["warehouse"].map(warehouses))
    levels = _levels(ctx, clean, progress=lambda frac: tick(total // 2 + int(frac * total * 0.4)))
    changed_product = products["changed"].to_numpy(dtype=bool)[at]
    created = int(levels["new"].sum())
    updated = int((~levels["new"] & (levels["changed"] | changed_product)).sum())
    alerts = _low_stock_crossings(ctx, products, levels)
    back = _back_in_stock(ctx, levels)
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


def _products(ctx: Ctx, clean: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Create and update products; returns per SKU: id, changed, reorder level, low state."""
    session = ctx.session
    wanted = clean.drop_duplicates("sku").set_index("sku").loc[:, PRODUCT_COLUMNS]
    # SKUs as plain objects: pandas' arrow-backed ``str`` index is ~20x slower at isin/lookups.
    wanted.index = wanted.index.astype(object)
    wanted["unit_price"] = _decimal_texts(wanted["unit_price"])
    cols = ["id", "sku", *PRODUCT_COLUMNS, "is_low", "low_crossings"]
    stored = read_frame(session, "SELECT " + ", ".join(cols) + " FROM stock_products", cols,
                        keys=list(wanted.index), key_column="sku").set_index("sku")
    stored.index = stored.index.astype(object)
    stored = stored.loc[stored.index.isin(wanted.index)]
    stored["unit_price"] = _decimal_texts(stored["unit_price"])
    stamp = timestamps(pd.Series([ctx.now]), session).iloc[0]
    now = pd.Series(stamp, index=wanted.index, dtype=object)
    fresh = wanted.loc[~wanted.index.isin(stored.index)]
    if len(fresh):
        rows = fresh.reset_index().assign(is_low=False, low_crossings=0, created_at=now.loc[fresh.index].to_numpy(),
                                          updated_at=now.loc[fresh.index].to_numpy())
        insert_frame(session, "stock_products", rows)
        ids = read_frame(session, "SELECT sku, id FROM stock_products", ["sku", "id"], keys=list(fresh.index),
                         key_column="sku").set_index("sku")["id"]
        ids.index = ids.index.astype(object)
        added = pd.DataFrame({"id": ids, "is_low": False, "low_crossings": 0}).loc[fresh.index]
    else:
        added = pd.DataFrame(columns=["id", "is_low", "low_crossings"])
    old = wanted.loc[stored.index]
    differs = pd.Series(False, index=old.index)
    for column in PRODUCT_COLUMNS:
        a, b = old[column].astype(object), stored[column].astype(object)
        differs |= ~((a == b) | (a.isna() & b.isna()))
    if differs.any():
        rows = old.loc[differs].assign(id=stored.loc[differs, "id"], updated_at=now.loc[old.index[differs]])
        update_frame(session, "stock_products", rows.reset_index(drop=True), ["id"])
        for sku in list(old.index[differs])[:200]:  # per-product trail for ordinary files; big ones are summarised
            record(ctx, "stock.product_updated", ("stock_products", int(stored.at[sku, "id"])),
                   before={c: stored.at[sku, c] for c in PRODUCT_COLUMNS if old.at[sku, c] != stored.at[sku, c]},
                   after={c: old.at[sku, c] for c in PRODUCT_COLUMNS if old.at[sku, c] != stored.at[sku, c]})
    products = pd.concat([
        stored.loc[:, ["id", "is_low", "low_crossings"]].assign(changed=differs),
        added.assign(changed=False),
    ])
    products["new"] = products.index.isin(fresh.index)
    products["reorder_level"] = wanted["reorder_level"]
    products["name"] = wanted["name"]
    products["id"] = products["id"].astype("int64")
    return products, len(fresh)


def _levels(ctx: Ctx, clean: pd.DataFrame, progress: Callable[[float], None]) -> pd.DataFrame:
    """Write new and changed levels; returns the file's levels with new/changed flags and totals before/after."""
    session = ctx.session
    cols = ["product_id", "warehouse_id", "on_hand", "reserved", "incoming", "incoming_eta"]
    stored = read_frame(session, "SELECT " + ", ".join(cols) + " FROM stock_levels", cols,
                        keys=[int(x) for x in clean["product_id"].unique()], key_column="product_id")
    stored = stored.loc[stored["product_id"].isin(clean["product_id"])]
    stored["incoming_eta"] = stored["incoming_eta"].map(_date_text)
    merged = clean.merge(stored, on=["product_id", "warehouse_id"], how="left", suffixes=("", "_db"),
                         indicator=True)
    merged["new"] = merged["_merge"] == "left_only"
    same = (
        (merged["on_hand"] == merged["on_hand_db"]) & (merged["reserved"] == merged["reserved_db"])
        & (merged["incoming"] == merged["incoming_db"])
        & (merged["eta"].fillna("") == merged["incoming_eta"].fillna(""))
    )
    merged["changed"] = ~merged["new"] & ~same.fillna(False)
    out = pd.DataFrame({
        "product_id": merged["product_id"], "warehouse_id": merged["warehouse_id"], "on_hand": merged["on_hand"],
        "reserved": merged["reserved"], "incoming": merged["incoming"], "incoming_eta": merged["eta"],
        "updated_at": timestamps(merged["snapshot"], session),
    })
    chunk = 100_000
    fresh, changed = out.loc[merged["new"]], out.loc[merged["changed"]]
    for start in range(0, max(len(fresh), 1), chunk):
        insert_frame(session, "stock_levels", fresh.iloc[start:start + chunk])
        progress(min(1.0, (start + chunk) / max(len(fresh) + len(changed), 1)))
    update_frame(session, "stock_levels", changed, ["product_id", "warehouse_id"])
    progress(1.0)
    # Totals per product before and after (warehouses not in the file keep their stored levels).
    before = stored.assign(available=stored["on_hand"] - stored["reserved"],
                           projected=stored["on_hand"] + stored["incoming"] - stored["reserved"])
    kept = before.merge(out[["product_id", "warehouse_id"]], how="left", indicator=True)
    after = pd.concat([
        out.assign(available=out["on_hand"] - out["reserved"], projected=out["on_hand"] + out["incoming"] - out["reserved"]),
        kept.loc[kept["_merge"] == "left_only"],
    ])
    totals = pd.DataFrame({
        "available_before": before.groupby("product_id")["available"].sum(),
        "available_after": after.groupby("product_id")["available"].sum(),
        "projected_after": after.groupby("product_id")["projected"].sum(),
    }).fillna(0)
    merged = merged.join(totals, on="product_id")
    return merged


def _low_stock_crossings(ctx: Ctx, products: pd.DataFrame, levels: pd.DataFrame) -> int:
    """Flag products that fell to their reorder level (alerting once) and unflag those that recovered."""
    per_product = levels.drop_duplicates("product_id").set_index("sku")
    state = products.join(per_product[["projected_after", "available_after"]])
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


def _back_in_stock(ctx: Ctx, levels: pd.DataFrame) -> int:
    """DM everyone watching a product whose available total went from 0 to more; their watch ends."""
    per_product = levels.drop_duplicates("product_id")
    back = per_product.loc[(per_product["available_before"] <= 0) & (per_product["available_after"] > 0)]
    watched = set(ctx.session.scalars(select(StockWatch.product_id).distinct()))
    back = back.loc[back["product_id"].isin(watched)] if watched else back.iloc[0:0]
    if back.empty:
        return 0
    back = back.set_index("product_id")
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
