"""The trade desk's fixtures: the sample people, trades and confirmations, imported as the CLI does."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.imports_cli import run_import
from bot.runtime import Runtime
from models.trades.tables import Trade
from tests.cast import OLIVIA

DATA = Path(__file__).resolve().parents[2] / "bot" / "demo_data"
TRADES_CHANNEL = "C0TRADES1"



def import_file(runtime: Runtime, kind: str, path: Path, actor: str | None = OLIVIA) -> tuple[int, str, str]:
    """``backoffice-bot import <kind> FILE --as actor`` (Olivia unless told; ``None``: nobody named): exit code,
    stdout, stderr."""
    actor_id = None
    if actor is not None:
        actor_id = runtime.person_id_for_slack_user(actor)
    out, err = io.StringIO(), io.StringIO()
    code = run_import(runtime, kind, path, actor_id=actor_id, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def desk(people: Runtime) -> Runtime:
    """People, then the sample trades and confirmations (imported by the CLI as Olivia)."""
    for kind in ("trades", "confirmations"):
        code, _out, err = import_file(people, kind, DATA / f"{kind}.csv", actor=OLIVIA)
        assert code == 0, err
    people.sender.wait_idle(timeout=30)
    return people


def trade(runtime: Runtime, ref: str) -> Trade:
    with runtime.db.session() as s:
        found = s.scalars(select(Trade).where(Trade.ref == ref)).unique().one()
        s.expunge_all()
        return found


def write_csv(tmp_path: Path, name: str, source: Path, edit=None, sep: str = ",") -> Path:
    """A copy of ``source`` with ``edit(lines)`` applied (a list of rows as lists of text)."""
    rows = [line.split(",") for line in source.read_text(encoding="utf-8").splitlines()]
    if edit is not None:
        rows = edit(rows)
    path = tmp_path / name
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def channel_posts(standin, count: int = 1) -> list:
    return standin.wait_for("chat.postMessage", count, where=lambda c: c.get("channel") == TRADES_CHANNEL)


def opened_view(standin) -> dict:
    view = standin.wait_for("views.open")[-1]["view"]
    return json.loads(view) if isinstance(view, str) else view


# -- small files of our own: trades and confirmations line by line --------------------------------------

T_HEAD = "trade_ref,trade_date,settlement_date,account,side,isin,ticker,quantity,price,currency,fees,net_amount,broker,trader_email"
C_HEAD = ("confirm_id,confirm_trans_type,broker,broker_ref,account,trade_date,settlement_date,side,isin,ticker,quantity,"
          "price,currency,gross_amount,fees,net_amount,received_at")


def trade_line(ref: str, qty: int, price: str, account: str = "FUNDO-A") -> str:
    net = Decimal(price) * qty
    return f"{ref},2026-11-23,2026-11-25,{account},BUY,BRPETRACNPR6,PETR4,{qty},{price},BRL,0.00,{net:.2f},XPINC,ana.silva@empresa.com.br"


def conf_line(cid: str, qty: int, price: str, account: str = "FUNDO-A", kind: str = "NEW") -> str:
    gross = Decimal(price) * qty
    return (f"{cid},{kind},XPINC,NC{cid[-4:]},{account},2026-11-23,2026-11-25,BUY,BRPETRACNPR6,PETR4,{qty},{price},BRL,"
            f"{gross:.2f},0.00,{gross:.2f},2026-11-23T19:00:00-03:00")


def write(path: Path, head: str, lines: list[str]) -> Path:
    path.write_text(head + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path
