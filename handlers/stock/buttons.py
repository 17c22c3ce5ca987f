"""The buttons on stock messages: open a product's card, watch it, stop watching it."""

from __future__ import annotations

from bot.declare import button
from bot.replies import Reply
from bot.request import Request
from handlers.stock.commands import card
from models.stock.flow import product_for, unwatch, watch


@button("stock_open")
def open_card(req: Request) -> Reply:
    return card(req, product_for(req.ctx, req.value or ""))


@button("stock_watch")
def watch_button(req: Request) -> Reply:
    outcome = watch(req.ctx, req.value or "")
    return Reply("stock/watch", {"status": outcome.status, "p": outcome.product})


@button("stock_unwatch")
def unwatch_button(req: Request) -> Reply:
    return Reply("stock/unwatched", unwatch(req.ctx, req.value or ""))
