"""The console stands in for Slack: what a person types, what they see, what others receive."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.console.session import Console, NobodyKnown
from bot.demo import load_demo
from bot.runtime import Runtime
from tests.cast import GABRIELA

ADMIN = "eduarda.silva@empresa.com.br"


def session(runtime, script: str, who: str = ADMIN) -> str:
    """Type ``script`` into a console as ``who``; everything printed."""
    out = io.StringIO()
    Console(runtime, who=who, out=out).run(io.StringIO(script))
    return out.getvalue()


def test_console_runs_commands_and_shows_notifications_to_others(people):
    text = session(people, "/backoffice role mariana.souza@empresa.com.br manager\n"
                           ":as mariana.souza@empresa.com.br\n/backoffice whoami\n")
    assert "Mariana Souza agora tem os papéis" in text
    assert "DM → Mariana Souza" in text  # the notification she would get in Slack
    assert "gestor" in text.split("Agora você é Mariana Souza.")[1]


def test_small_talk_gets_a_greeting_and_the_bare_command_the_overview(people):
    text = session(people, "oi\nbom dia!\n/backoffice\n/nope\nqual a capital da frança?\n")
    assert text.count("Oi, Eduarda Silva! 👋") == 2
    assert "Ajuda do backoffice-bot" in text
    assert "Não existe o comando /nope" in text
    assert "Não entendi" in text
    assert "Não conheço “”" not in text


def test_channels_typed_by_name_work_without_slack(people, standin):
    text = session(people, ":as tiago.costa@empresa.com.br\n/digest subscribe #canal weekdays 08:30\n"
                           "/digest settings\n/digest unsubscribe #canal\n/digest unsubscribe #nome inválido\n")
    assert "#canal vai receber o resumo nos dias úteis às 08:30" in text
    assert "#canal não vai mais receber o resumo" in text
    assert "<#" not in text and "Desculpe" not in text
    assert standin.of("conversations.list") == []


def test_people_channels_links_and_emoji_read_as_in_slack(people):
    text = session(people, "/backoffice people joão\n/stock nada-parecido-com-isso\n")
    assert "@João Santos" in text and "@U070000007" not in text
    assert "🔍" in text and ":mag:" not in text


def test_every_earlier_messages_buttons_stay_usable(people, tmp_path):
    stock = tmp_path / "stock.csv"
    stock.write_text(
        "snapshot_at,sku,barcode,product_name,warehouse,uom,on_hand_qty,reserved_qty,incoming_qty,incoming_eta,"
        "reorder_level,reorder_qty,unit_price,currency\n"
        "2026-11-23T08:00:00-03:00,PRD-1182,7890000007191,Cadeira ergonômica azul,SP-CD01,UN,5,0,0,,2,10,1499.90,BRL\n"
        "2026-11-23T08:00:00-03:00,PRD-1056,7890000007065,Cadeira ergonômica preta,SP-CD01,UN,5,0,0,,2,10,1459.90,BRL\n",
        encoding="utf-8")
    from bot.imports_cli import run_import

    assert run_import(people, "stock", stock, out=io.StringIO(), err=io.StringIO()) == 0
    text = session(people, "/stock cadeira ergonomica\n/backoffice help\n2\n1\n")
    listing, rest = text.split("Ajuda do backoffice-bot")
    assert "[1] Abrir" in listing and "[2] Abrir" in listing
    cards = rest.split("Total disponível")
    # [2] then [1]: buttons of the search, two messages back, still open each product's card.
    assert len(cards) == 3 and "Cadeira ergonômica preta" in cards[0] and "Cadeira ergonômica azul" in cards[1]
    assert "Não existe o botão" not in text


def test_as_with_a_typo_is_answered_and_the_session_goes_on(people):
    text = session(people, ":as ninguem@empresa.com.br\n/backoffice whoami\n:help\n")
    assert "Não conheço ninguém como “ninguem@empresa.com.br”" in text
    assert "Quem sou eu" in text and "Eduarda Silva" in text
    assert ":as <e-mail ou id do Slack>" in text


def test_an_unknown_person_at_start_is_a_clear_refusal(people):
    with pytest.raises(NobodyKnown, match="x@y.z"):
        Console(people, who="x@y.z", out=io.StringIO())


def test_a_form_error_asks_only_the_wrong_field_again_and_keeps_the_rest(people):
    # João's vacation, last day before the first: only "Último dia" is asked again.
    text = session(people, "/leave\n\n10/12/2026\n08/12/2026\n\nJunto com o feriado\n11/12/2026\n",
                   who="joao.santos@empresa.com.br")
    assert "Primeiro dia (dd/mm/aaaa)" in text
    assert "Corrija o que está errado; Enter mantém as outras respostas." in text
    retry = text.split("Corrija o que está errado")[1]
    asked = retry.split("Pedido #1 enviado para Isabela Silva")[0]
    assert "Último dia (dd/mm/aaaa)" in asked and "Primeiro dia" not in asked and "Tipo" not in asked
    assert "Pedido #1 enviado para Isabela Silva" in retry
    assert "Observação: > Junto com o feriado" in retry  # the note typed before the error was kept


def test_an_english_reader_types_dates_in_iso_and_gets_english_prompts(people):
    text = session(people, "/backoffice me language en\n/leave\n\n2026-12-10\n11/12/2026\n2026-12-11\n\n\n",
                   who="joao.santos@empresa.com.br")
    assert "Done: I will speak English to you" in text
    assert "First day (YYYY-MM-DD)" in text
    assert "“11/12/2026” is not a date: type it as YYYY-MM-DD." in text
    assert "Request #1 sent to Isabela Silva" in text


class _CtrlC(io.StringIO):
    """Typing stops with Ctrl-C at the second prompt of the form, then goes on."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.reads = 0

    def readline(self, *args) -> str:
        self.reads += 1
        if self.reads == 3:
            raise KeyboardInterrupt
        return super().readline(*args)


def test_ctrl_c_gives_the_form_up_not_the_console(people):
    out = io.StringIO()
    Console(people, who="joao.santos@empresa.com.br", out=out).run(_CtrlC("/leave\n\n/backoffice whoami\n"))
    text = out.getvalue()
    assert "Formulário cancelado; nada foi enviado." in text
    assert "Quem sou eu" in text  # the console went on


def test_files_are_saved_in_a_temporary_folder_and_their_path_printed(people, tmp_path, monkeypatch):
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    load = io.StringIO()
    from bot.imports_cli import run_import
    from tests.conftest import DATA

    importer = people.person_id_for_slack_user(GABRIELA)  # Gabriela: imports say who ran them (four eyes)
    for kind in ("trades", "confirmations"):
        assert run_import(people, kind, DATA / f"{kind}.csv", actor_id=importer, out=load,
                          err=load) == 0, load.getvalue()
    text = session(people, ":as quesia.almeida@empresa.com.br\n/trade report 24/11/2026\n")
    saved = [line.split("Arquivo salvo: ", 1)[1].strip() for line in text.splitlines() if "Arquivo salvo: " in line]
    assert saved, text
    path = Path(saved[0])
    assert path.is_file() and path.stat().st_size > 0
    assert here not in path.parents and not list(here.iterdir())  # never the current directory


def test_notifications_still_pending_are_shown_when_the_console_starts(people, tmp_path):
    """A back-in-stock DM queued by an import made elsewhere (no Slack there) appears in the console."""
    from bot.imports_cli import run_import

    header = ("snapshot_at,sku,barcode,product_name,warehouse,uom,on_hand_qty,reserved_qty,incoming_qty,"
              "incoming_eta,reorder_level,reorder_qty,unit_price,currency\n")
    row = "2026-11-23T08:00:00-03:00,PRD-1182,7890000007191,Cadeira ergonômica azul,SP-CD01,UN,{n},0,0,,2,10,1499.90,BRL\n"
    empty, back = tmp_path / "empty.csv", tmp_path / "back.csv"
    empty.write_text(header + row.format(n=0), encoding="utf-8")
    back.write_text(header + row.format(n=30), encoding="utf-8")
    sink = io.StringIO()
    assert run_import(people, "stock", empty, out=sink, err=sink) == 0
    session(people, "/stock watch PRD-1182\n", who="mariana.souza@empresa.com.br")
    elsewhere = Runtime(people.settings, registry=people.registry, db=people.db, clock=people.clock)
    assert not elsewhere.sender.enabled  # the import runs where nothing delivers
    assert run_import(elsewhere, "stock", back, out=sink, err=sink) == 0
    text = session(people, "", who="mariana.souza@empresa.com.br")
    assert "DM → Mariana Souza" in text and "PRD-1182" in text


def test_the_demo_shows_the_whole_product_on_first_run(runtime):
    print(load_demo(runtime))
    text = session(runtime, "/leave who\n/incident list\n:as isabela.silva@empresa.com.br\n/leave pending\n"
                            ":as karina.silva@empresa.com.br\n/backoffice whoami\n/stock low\n")
    assert "Eduarda Silva (RH)" in text  # out today
    assert "INC-0001" in text and "INC-0002" in text
    assert "#4 Rafael Pereira" in text
    assert "Language: English" in text
    assert "Who am I" in text
