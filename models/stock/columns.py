"""The columns of a stock snapshot file (light: the web process reads them at start-up, pandas waits)."""

from __future__ import annotations

REQUIRED = ["sku", "product_name", "warehouse", "on_hand_qty"]
OPTIONAL = ["snapshot_at", "barcode", "uom", "reserved_qty", "incoming_qty", "incoming_eta", "reorder_level",
            "reorder_qty", "unit_price", "currency", "warehouse_name"]
NUMBER_COLUMNS = ["on_hand_qty", "reserved_qty", "incoming_qty", "reorder_level", "reorder_qty", "unit_price"]
