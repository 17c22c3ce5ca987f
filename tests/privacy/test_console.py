"""The console answers the privacy commands too: the export is saved in a temporary folder (never
the current directory) and the erase form is asked in the terminal."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

from bot.console.session import Console

ADMIN = "eduarda.silva@empresa.com.br"


def test_console_export_goes_to_a_temporary_file_and_erase_asks_first(people, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    out = io.StringIO()
    console = Console(people, who=ADMIN, out=out)
    console.handle_line("/backoffice privacy export mariana.souza@empresa.com.br")
    saved = re.search(r"(/\S+\.json)", out.getvalue())
    assert saved, out.getvalue()
    path = Path(saved.group(1))
    assert os.listdir(here) == []  # nothing in the current directory
    assert json.loads(path.read_text(encoding="utf-8"))["sections"]["profile"]["name"] == "Mariana Souza"
    shutil.rmtree(path.parent)

    console.handle_line("/backoffice privacy erase mariana.souza@empresa.com.br", io.StringIO("\n"))
    text = out.getvalue()
    assert "Apagar *Mariana Souza*?" in text and "Apagado. A pessoa agora aparece como anon-" in text
