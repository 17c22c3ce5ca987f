"""`/stock <query>`, `/stock low`, `/stock watch|unwatch <sku>`."""

from __future__ import annotations

from bot.declare import button, free_text, no_args, subcommand
from bot.paging import Page
from bot.replies import Reply
from bot.request import Request
from models.core.errors import N_, ValidationError
from models.stock.flow import unwatch, watch, watched
from models.stock.search import find_by_code, search
from models.stock.tables import Product, low_stock, product_card, product_summaries

MAX_QUERY = 200
CLEAR_WINNER = 15.0  # a top hit this far ahead of the next is the answer, not a list


def card(req: Request, product: Product) -> Reply:
    """One product's card, with the buttons that fit (watch when nothing is available)."""
    return Reply("stock/card", {"p": product_card(req.ctx.session, product, person_id=req.actor.id,
                                                  today=req.today)})


def lookup(req: Request, text: str, *, question: bool = False) -> Reply:
    """Exact SKU or barcode first; then words: one hit -> card, several -> a list, none -> did you mean."""
    text = " ".join(text.split())
    if len(text) > MAX_QUERY:
        raise ValidationError(N_("That is too long to search for; a few words of the name or the SKU are enough."))
    product = find_by_code(req.ctx.session, text)
    if product is not None:
        return card(req, product)
    result = search(req.ctx.session, text, question=question)
    if not result.words:
        return Reply("stock/ask_what", {"text": text})
    hits = result.hits
    if len(hits) == 1 or (len(hits) > 1 and hits[0][1] - hits[1][1] >= CLEAR_WINNER):
        return card(req, req.ctx.session.get_one(Product, hits[0][0]))
    ids = [pid for pid, _score in result.hits or result.suggestions]
    summaries = product_summaries(req.ctx.session, ids, req.today)
    items = [summaries[pid] for pid in ids if pid in summaries]
    if result.hits:
        return Reply("stock/results", {"query": text, "items": items})
    return Reply("stock/none", {"query": text, "suggestions": items})


@free_text("stock", usage=N_("/stock <sku, barcode or words of the name>"),
           help=N_("Availability per warehouse: on hand, reserved, available, incoming and when. "
                   "Typos and missing accents are fine: `/stock cadeira ergonomica azul`."))
def query(req: Request) -> Reply:
    return lookup(req, req.text)


@no_args("stock", usage=N_("/stock"), help=N_("A reminder of what to type."),
         hidden=True)  # help lists the real entries
def bare(req: Request) -> Reply:
    return Reply("stock/usage")


LOW_PAGE = 25


@subcommand("stock", "low", usage=N_("/stock low"), help=N_("Products at or below their reorder level, worst first."),
            aliases=("baixo", "falta"))
@button("stock_low_page")
def low(req: Request) -> Reply:
    """``/stock low``: worst first, a page at a time (the Next button rewrites the message)."""
    _first, total = low_stock(req.ctx.session, limit=0)
    page = Page.of(total, LOW_PAGE, "stock_low_page", req.value)
    items, total = low_stock(req.ctx.session, limit=LOW_PAGE, offset=page.start, today=req.today)
    return Reply("stock/low", {"items": items, "total": total, "page": page.data()},
                 replace_original=req.value is not None)


@subcommand("stock", "watch", usage=N_("/stock watch [sku]"),
            help=N_("DM me when a product is back in stock (without a SKU: what I am watching)."),
            aliases=("avisar", "acompanhar"))
def watch_command(req: Request) -> Reply:
    if not req.text.strip():
        return watch_list(req)
    code = req.text.split()[0]
    outcome = watch(req.ctx, code)
    return Reply("stock/watch", {"status": outcome.status, "p": outcome.product})


WATCH_PAGE = 20  # each product is a block with its own button: a page stays well inside Slack's 50 blocks


@button("stock_watch_page")
def watch_list(req: Request) -> Reply:
    """What I am watching, a page at a time (Previous/Next rewrite the message)."""
    everything = watched(req.ctx)
    page = Page.of(len(everything), WATCH_PAGE, "stock_watch_page", req.value)
    return Reply("stock/watch_list", {"items": page.items(everything), "total": len(everything),
                                      "page": page.data()}, replace_original=req.value is not None)


@subcommand("stock", "unwatch", usage=N_("/stock unwatch <sku>"), help=N_("Stop watching a product."),
            aliases=("desavisar",))
def unwatch_command(req: Request) -> Reply:
    if not req.text.strip():
        raise ValidationError(N_("Say which product to stop watching: `/stock unwatch PRD-1042`."))
    return Reply("stock/unwatched", unwatch(req.ctx, req.text.split()[0]))
