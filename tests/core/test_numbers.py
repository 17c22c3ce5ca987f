"""One reading of typed numbers: Brazilian (1.234,56) and dot decimals (1234.56)."""

from __future__ import annotations

from decimal import Decimal

from models.core.numbers import parse_decimal, plain_number


def test_brazilian_and_dot_decimals_are_one_number() -> None:
    assert parse_decimal("1.234,56") == Decimal("1234.56")
    assert parse_decimal("1234,56") == Decimal("1234.56")
    assert parse_decimal("1234.56") == Decimal("1234.56")
    assert parse_decimal("R$ 1.234,56") == Decimal("1234.56")
    assert parse_decimal("2,5") == Decimal("2.5")
    assert plain_number("-1.000") == "-1000"


def test_what_is_not_a_number() -> None:
    assert parse_decimal("dez") is None
    assert parse_decimal("NaN") is None
    assert parse_decimal("") is None
