"""Every break within reach: page by page, filtered, exported; files for people that are safe to open."""

from __future__ import annotations

import base64
import csv
import io

import openpyxl
from sqlalchemy import select

from bot.files import Sheet, to_csv, to_xlsx
from models.core.outbox import OutboxMessage
from tests.cast import QUESIA
from tests.trades.conftest import C_HEAD, T_HEAD, conf_line, import_file, trade_line, write


def book_breaks(runtime, tmp_path, n: int = 25) -> None:
    """``n`` trades, each confirmed 2% above its price: ``n`` price breaks, FUNDO-A first, then FUNDO-B."""
    trades = [trade_line(f"T-BR-{i:02d}", 100, "10.00", account="FUNDO-A" if i <= 12 else "FUNDO-B")
              for i in range(1, n + 1)]
    confs = [conf_line(f"CF-BR-{i:04d}", 100, "10.20", account="FUNDO-A" if i <= 12 else "FUNDO-B")
             for i in range(1, n + 1)]
    assert import_file(runtime, "trades", write(tmp_path / "t.csv", T_HEAD, trades))[0] == 0
    assert import_file(runtime, "confirmations", write(tmp_path / "c.csv", C_HEAD, confs))[0] == 0


def buttons(message) -> dict:
    return {e["action_id"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_breaks_page_by_page_with_previous_and_next_rewriting_the_message(bot, people, standin, tmp_path):
    book_breaks(people, tmp_path)
    first = bot.command("/trade", "breaks", user=QUESIA)
    assert "25 quebras a resolver" in first.text
    assert "Página 1 de 3" in first.text and "quebras 1–10 de 25" in first.text
    assert len(first.json["blocks"]) <= 50
    seen = {f"T-BR-{i:02d}" for i in range(1, 11) if f"T-BR-{i:02d}" in first.text}
    nav = buttons(first.json)
    assert "trades_breaks_page:prev" not in nav
    page = first.json
    for number in (2, 3):
        before = len(standin.of("response_url"))
        bot.click(buttons(page)["trades_breaks_page:next"], user=QUESIA)
        page = standin.wait_for("response_url", before + 1)[-1]
        assert page["replace_original"] in (True, "true")  # the same message, rewritten
        assert f"Página {number} de 3" in page.text
        seen |= {f"T-BR-{i:02d}" for i in range(1, 26) if f"T-BR-{i:02d}" in page.text}
    assert "quebras 21–25 de 25" in page.text and "trades_breaks_page:next" not in buttons(page)
    assert seen == {f"T-BR-{i:02d}" for i in range(1, 26)}  # every break reached
    before = len(standin.of("response_url"))
    bot.click(buttons(page)["trades_breaks_page:prev"], user=QUESIA)
    assert "Página 2 de 3" in standin.wait_for("response_url", before + 1)[-1].text


def test_breaks_filtered_by_account_instrument_or_date(bot, people, tmp_path):
    book_breaks(people, tmp_path)
    b = bot.command("/trade", "breaks fundo-b", user=QUESIA).text
    assert "13 quebras a resolver" in b and "Somente FUNDO-B" in b and "T-BR-13" in b and "T-BR-01" not in b
    both = bot.command("/trade", "breaks PETR4 23/11/2026", user=QUESIA).text
    assert "25 quebras a resolver" in both
    none = bot.command("/trade", "breaks 2026-11-24", user=QUESIA).text
    assert "0 quebra a resolver" in none or "Nenhuma quebra para 24 de nov. de 2026" in none
    assert "Nenhuma quebra para 24 de nov. de 2026" in none
    two = bot.command("/trade", "breaks XPINC BTGP", user=QUESIA).text
    assert "Filtre por uma corretora" in two


def file_rows(runtime, name: str) -> bytes:
    with runtime.db.session() as s:
        rows = [r for r in s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "file")).unique()
                if r.data["files"][0]["filename"] == name]
        assert len(rows) == 1, [r.data["files"][0]["filename"] for r in rows]
        return base64.b64decode(rows[0].data["files"][0]["base64"])


def test_export_uploads_the_whole_filtered_list_for_a_brazilian_spreadsheet(bot, people, standin, tmp_path):
    book_breaks(people, tmp_path)
    page = bot.command("/trade", "breaks FUNDO-B", user=QUESIA).json
    bot.click(buttons(page)["trades_breaks_export:csv"], user=QUESIA)
    said = standin.wait_for("response_url", where=lambda c: "trade-breaks-fundo-b.csv" in c.text)
    assert "está a caminho da sua DM" in said[0].text
    upload = standin.wait_for("files.getUploadURLExternal")
    assert upload[0]["filename"] == "trade-breaks-fundo-b.csv"
    standin.wait_for("files.completeUploadExternal")
    rows = list(csv.reader(io.StringIO(file_rows(people, "trade-breaks-fundo-b.csv").decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[0][:3] == ["Operação", "Situação", "Quebras"] and "Nosso preço" in rows[0]
    body = [r for r in rows[1:] if r and r[0].startswith("T-BR-")]
    assert len(body) == 13  # all of them, not one page
    assert body[0][1] == "divergente" and body[0][2] == "preço, valor líquido"
    assert "10,20" in body[0] and "23/11/2026" in body[0]
    bot.click(buttons(page)["trades_breaks_export:xlsx"], user=QUESIA)
    standin.wait_for("files.getUploadURLExternal", 2)
    book = openpyxl.load_workbook(io.BytesIO(file_rows(people, "trade-breaks-fundo-b.xlsx")))
    sheet = book.worksheets[0]
    assert sheet.cell(1, 1).value == "Operação" and sheet.max_row == 14


def test_a_replayed_report_uploads_once(bot, people, standin, tmp_path):
    book_breaks(people, tmp_path, n=3)
    for retry in (None, 1, 2):
        resp = bot.command("/trade", "report 23/11/2026", user=QUESIA, trigger_id="trigger.replayed",
                           retry_num=retry)
        assert resp.status == 200
    people.sender.wait_idle(timeout=30)
    standin.settle()
    assert len(standin.of("files.getUploadURLExternal")) == 1
    with people.db.session() as s:
        assert len(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "file")).unique().all()) == 1


HOSTILE = ['=HYPERLINK("http://evil/")', "@SUM(1+1)*CMD|'/C CALC'!A0", "+CMD|' /C calc'!A0", "-2+3", "\tx", "\rx"]


def test_no_file_for_people_has_a_live_formula():
    sheet = Sheet("x", ["=header", "ok"], [[value, 5] for value in HOSTILE] + [["-12,50 is text", -12]])
    rows = list(csv.reader(io.StringIO(to_csv([sheet], "pt-BR").decode("utf-8-sig")), delimiter=";"))
    for row in rows:
        assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert rows[1][0] == "'" + HOSTILE[0] and rows[-1][1] == "-12"  # numbers stay numbers
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx([sheet])))
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            assert not (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@", "\t", "\r")))


def test_imports_refuse_codes_a_spreadsheet_would_run_row_numbered(people, tmp_path):
    trades = [trade_line("T-OK-1", 100, "10.00"), trade_line("T-BAD-1", 100, "10.00").replace("FUNDO-A", HOSTILE[0].replace(",", ";")),
              trade_line("T-BAD-2", 100, "10.00").replace(",PETR4,", ",+CMD,"),
              trade_line("T-BAD-3", 100, "10.00").replace(",XPINC,", ",@SUM(1+1),")]
    code, out, err = import_file(people, "trades", write(tmp_path / "t.csv", T_HEAD, trades))
    assert code == 1 and "nada foi alterado" in err
    assert "linha 3 [account]" in err and "linha 4 [ticker]" in err and "linha 5 [broker]" in err
    confs = [conf_line("CF-OK-0001", 100, "10.00").replace(",NC0001,", ",=1+1,")]
    code, out, err = import_file(people, "confirmations", write(tmp_path / "c.csv", C_HEAD, confs))
    assert code == 1 and "linha 2 [broker_ref]" in err
