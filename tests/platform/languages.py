"""What the both-languages test checks in a rendered text: placeholders left raw, internal
identifiers, and words of the other language. Kept apart from the test so the rules read in one place."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.slack_standin import Call

RAW_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|\{\{|\}\}")
SNAKE = re.compile(r"(?<![\w/.@:-])[a-z]+(?:_[a-z0-9]+)+(?![\w/@-])")
# Enum values and codes that mean nothing to a reader, in either language.
IDENTIFIERS = {"oncall", "backoffice", "net_amount", "trade_date", "reorder_level", "on_hand"}
# Tell-tale words: frequent, and not words of the other language too.
ENGLISH = {
    "the", "and", "with", "your", "you", "is", "are", "was", "of", "or", "empty", "created", "updated",
    "unchanged", "pending", "approved", "rejected", "cancelled", "confirmed", "matched", "disputed", "open",
    "resolved", "closed", "employee", "sales", "manager", "start", "end", "none", "today", "tomorrow",
    "week", "breaks", "warehouse", "warehouses", "products", "product", "problem", "problems", "file",
    "row", "column", "columns", "missing", "expected", "days", "day", "leave", "request", "incident",
    "trade", "trades", "stock", "late", "summary", "nobody", "out", "yes", "error", "unknown",
    "subscribed", "digest", "people", "person", "role", "roles", "vacation", "sick",
}
PORTUGUESE = {
    "de", "não", "você", "para", "com", "pedido", "pedidos", "estoque", "férias", "dela", "dele", "está",
    "são", "criados", "atualizados", "nenhum", "nenhuma", "hoje", "amanhã", "semana", "colaborador",
    "plantão", "vendas", "aprovado", "aprovada", "cancelado", "cancelada", "pendente", "recusado", "ausente",
    "ausência", "incidente", "resumo", "arquivo", "linha", "coluna", "produtos", "depósito", "atrasado",
    "sim", "dias", "ninguém", "quem", "saldo", "uma", "um", "da", "em", "que", "os",
}
# "problema(s)", "dela(e)", "item(s)": a word glued to an optional ending instead of a plural or gender form.
GLUED = re.compile(r"[^\W\d_]\((?:s|es|a|e|o|as|os|ões)\)")
# A message (its first line: the notification) opening with a count of zero, where a sentence
# ("nobody", "no requests wait for you") reads right.
ZERO = re.compile(r"^0 [^\W\d_]")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
# What a reader's text may hold in any language: code (commands to type), command names, the
# product's name, emoji codes, links, mentions and channel references, e-mail addresses.
NEUTRAL = re.compile(r"`[^`]*`|(?<!\w)/[a-z]+\b|backoffice-bot|:[a-z0-9_+-]+:|<[^>]*>|https?://\S+|"
                     r"[\w.+-]+@[\w-]+\.[\w.-]+")


def visible_text(rendered: dict) -> str:
    """What a person reads in a rendered message or view: text, blocks, labels, options."""
    parts = [Call("reply", rendered).text]
    view = rendered if rendered.get("type") in ("modal", "home") else None
    if view:
        for key in ("title", "submit", "close"):
            if isinstance(view.get(key), dict):
                parts.append(view[key].get("text", ""))
    return "\n".join(p for p in parts if p)


def data_strings(data: Any) -> set[str]:
    """Every free-text string in a template's data (names, titles, notes): the reader's own words,
    which may be in any language. Codes and enum values (``oncall``, ``net_amount``) are kept,
    so that one printed raw is still found."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple, set)):
            for v in value:
                walk(v)
        elif isinstance(value, str) and value and not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            found.add(value)

    walk(data)
    return found


def strip(text: str, user_words: Iterable[str] = ()) -> str:
    """``text`` without what may be in any language: user data, code, emoji, links, mentions."""
    for value in sorted(user_words, key=len, reverse=True):
        if len(value) > 1:
            escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            text = text.replace(escaped, " ").replace(value, " ")
    return NEUTRAL.sub(" ", text)


def problems(text: str, locale: str, user_words: Iterable[str] = ()) -> list[str]:
    """Why ``text`` does not read as written by a native speaker of ``locale`` (empty: it does)."""
    out = []
    words = set(user_words)
    raw = RAW_PLACEHOLDER.findall(strip(text, words))
    if raw:
        out.append(f"raw placeholders {sorted(set(raw))}")
    free = strip(text, words)
    idents = sorted(set(SNAKE.findall(free)) | {w for w in WORD.findall(free) if w in IDENTIFIERS})
    if idents:
        out.append(f"internal identifiers {idents}")
    glued = sorted(set(GLUED.findall(free)))
    if glued:
        out.append(f"optional endings instead of plural or gender forms {glued}")
    if ZERO.search(text.split("\n", 1)[0]):
        out.append("a line starting with a count of zero")
    foreign = PORTUGUESE if locale == "en" else ENGLISH
    other = sorted({w for w in WORD.findall(free) if w in foreign})
    if other:
        out.append(f"{'Portuguese' if locale == 'en' else 'English'} words {other}")
    return out
