"""Long lists in pages: a message shows one page and says so, Previous/Next buttons rewrite it.

Slack cuts a message at 50 blocks and a section at 3,000 characters, silently; a list reply
takes a :class:`Page` of its items and the ``platform/_pager.j2`` macro adds "Showing 21–40 of
60" and the buttons (their value is the page number; the action rewrites the message).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of ``total`` items, ``size`` a page; ``action`` is the buttons' action id."""

    number: int
    size: int
    total: int
    action: str
    value_suffix: str = ""  # what else the buttons must carry (a filter), after the page number

    @classmethod
    def of(cls, total: int, size: int, action: str, asked: Any = None, value_suffix: str = "") -> Page:
        """The page asked for (a button's value such as ``"3"`` or ``"3|filter"``), kept within range."""
        try:
            number = int(str(asked or "1").split("|", 1)[0])
        except ValueError:
            number = 1
        pages = max(1, -(-total // size))
        return cls(min(max(number, 1), pages), size, total, action, value_suffix)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    def items(self, everything: Sequence) -> list:
        return list(everything[self.start:self.start + self.size])

    def data(self) -> dict[str, Any]:
        """What the pager macro reads."""
        return {"number": self.number, "pages": self.pages, "total": self.total, "first": self.start + 1,
                "last": min(self.start + self.size, self.total), "action": self.action,
                "prev": f"{self.number - 1}{self.value_suffix}" if self.number > 1 else None,
                "next": f"{self.number + 1}{self.value_suffix}" if self.number < self.pages else None}


def filter_of(value: str | None) -> str:
    """The filter a page button carries after its page number (``"2|vendas"`` -> ``"vendas"``)."""
    return (value or "").split("|", 1)[1] if "|" in (value or "") else ""
