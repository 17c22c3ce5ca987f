"""In the reader's words: the trade desk's replies in Portuguese carry no internal field name and no English status."""

from __future__ import annotations

import re

from tests.cast import ANA, NICOLAS, QUESIA
from tests.trades.conftest import DATA, import_file, write_csv

# Internal names (fields, statuses, history steps) and the English words for them.
LEAKS = re.compile(r"\b(net_amount|settlement_date|trade_date|unmatched|mismatched|matched|confirmed|disputed|"
                   r"cancelled|price|quantity|breaks?|fills?|booked|reopened|amended|replaced|pending|alleged|"
                   r"settlement|net amount|broker values)\b", re.IGNORECASE)


def leaks(text: str) -> list[str]:
    """English left in ``text`` once commands (`/trade breaks`) and a file's own column names ([price]) are set aside."""
    text = re.sub(r"`[^`]*`|\[[a-z_]+\]", " ", text)
    return LEAKS.findall(text)


def test_every_trade_desk_reply_reads_in_portuguese(bot, desk, standin, tmp_path):
    said: list[str] = []

    def ask(text: str, user: str = QUESIA) -> None:
        said.append(bot.command("/trade", text, user=user).text)

    ask("pending")
    ask("breaks")
    ask("breaks FUNDO-A")
    ask("show T20261123-0052")  # a quantity break
    ask("show T20261123-0025")  # two partial fills
    ask("show T20261123-0028")  # no confirmation
    ask("confirm T20261123-0056", user=ANA)  # a break cannot be confirmed: its breaks named
    ask("confirm T20261123-0001")
    ask("confirm T20261123-0001", user=ANA)  # already confirmed by Quésia
    ask("show T20261123-0001")
    ask("dispute T20261123-0003 preço da corretora acima do limite")
    ask("show T20261123-0003")
    ask("accept T20261123-0009", user=NICOLAS)
    ask("report 23/11/2026")
    ask("help")

    def replace(rows):  # the broker amends the confirmed trade's confirmation
        return [rows[0]] + [r[:1] + ["REPLACE"] + r[2:11] + ["12.08", "BRL", "12080.00", "3.55", "12083.55"] + r[16:]
                            for r in rows[1:] if r[0] == "CF-20261123-0001"]

    assert import_file(desk, "confirmations", write_csv(tmp_path, "r.csv", DATA / "confirmations.csv", replace))[0] == 0
    ask("show T20261123-0001")

    def cancel(rows):
        return [rows[0] + ["trans_type"]] + [r + ["CANCEL"] for r in rows[1:] if r[0] == "T20261123-0028"]

    assert import_file(desk, "trades", write_csv(tmp_path, "x.csv", DATA / "trades.csv", cancel))[0] == 0
    ask("show T20261123-0028")
    code, _, err = import_file(desk, "trades", write_csv(
        tmp_path, "y.csv", DATA / "trades.csv",
        lambda rows: [rows[0]] + [r[:7] + ["101"] + r[8:] for r in rows[1:] if r[0] == "T20261123-0009"]))
    assert code == 1 and "já está confirmada" in err and not leaks(err)
    desk.sender.wait_idle(timeout=30)
    standin.settle()
    said += [c.text for c in standin.of("chat.postMessage")] + [c.text for c in standin.of("response_url")]
    assert "preço, valor líquido" in said[6] and "divergente" in said[1]
    assert "reaberta" in said[-1] or any("reaberta" in s for s in said)
    found = {text[:80]: leaks(text) for text in said if leaks(text)}
    assert not found, found
