"""Numbers as people write them: ``1.234,56`` (Brazilian) and ``1234.56`` both mean one Decimal."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Dot thousands with an optional decimal comma (1.234 / 1.234,56), or a bare decimal comma (1234,56).
BRAZILIAN = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d+$")
_CURRENCY = re.compile(r"^R\$\s*")


def to_decimal(text: object) -> Decimal | None:
    """``text`` as a finite Decimal in dot notation (``1234.56``), else None."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def plain_number(text: str) -> str:
    """``R$ 1.234,56`` -> ``1234.56``: the currency sign and spaces go, a Brazilian number turns dot decimal."""
    value = _CURRENCY.sub("", text.strip()).replace(" ", "")
    return value.replace(".", "").replace(",", ".") if BRAZILIAN.match(value) else value


def parse_decimal(text: str) -> Decimal | None:
    """A number typed by a person, Brazilian or dot decimal (see :func:`plain_number`); None if it is not one."""
    return to_decimal(plain_number(text))
