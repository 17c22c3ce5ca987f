"""stock: products, warehouses, stock levels, watches, catalogue version

Revision ID: 0002_stock
Revises: 0001_platform
Create Date: 2026-11-25 12:40:00
"""

from __future__ import annotations

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import models.core.base  # noqa: F401 - column types used below

revision: str = "0002_stock"
down_revision: Union[str, Sequence[str], None] = "0001_platform"
branch_labels: Union[str, Sequence[str], None] = ("stock",)
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "stock_catalogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.Column("changed_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_catalogue")),
    )
    op.create_table(
        "stock_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("barcode", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("unit_price", models.core.base.Money(precision=20, scale=6), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reorder_level", sa.Integer(), nullable=False),
        sa.Column("reorder_qty", sa.Integer(), nullable=False),
        sa.Column("is_low", sa.Boolean(), nullable=False),
        sa.Column("low_crossings", sa.Integer(), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_stock_products_sku")),
    )
    with op.batch_alter_table("stock_products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_products_barcode"), ["barcode"], unique=False)

    op.create_table(
        "stock_warehouses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_warehouses")),
        sa.UniqueConstraint("code", name=op.f("uq_stock_warehouses_code")),
    )
    op.create_table(
        "stock_levels",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("incoming", sa.Integer(), nullable=False),
        sa.Column("incoming_eta", sa.Date(), nullable=True),
        sa.Column("updated_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["stock_products.id"],
                                name=op.f("fk_stock_levels_product_id_stock_products"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["warehouse_id"], ["stock_warehouses.id"],
                                name=op.f("fk_stock_levels_warehouse_id_stock_warehouses"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("product_id", "warehouse_id", name=op.f("pk_stock_levels")),
    )
    op.create_table(
        "stock_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.core.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_stock_watches_person_id_people"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["product_id"], ["stock_products.id"],
                                name=op.f("fk_stock_watches_product_id_stock_products"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_watches")),
        sa.UniqueConstraint("person_id", "product_id", name=op.f("uq_stock_watches_person_id_product_id")),
    )
    with op.batch_alter_table("stock_watches", schema=None) as batch_op:
        batch_op.create_index("ix_stock_watches_product", ["product_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stock_watches", schema=None) as batch_op:
        batch_op.drop_index("ix_stock_watches_product")
    op.drop_table("stock_watches")
    op.drop_table("stock_levels")
    op.drop_table("stock_warehouses")
    with op.batch_alter_table("stock_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_products_barcode"))
    op.drop_table("stock_products")
    op.drop_table("stock_catalogue")
