"""A company with data about Quésia on every desk, and data about others beside it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from bot.imports_cli import run_import
from tests.cast import ADMIN, GABRIELA, HENRIQUE, MARIANA, NICOLAS, QUESIA, TIAGO
from tests.incidents.helpers import report
from tests.privacy.helpers import file_leave

DATA = Path(__file__).resolve().parents[2] / "bot" / "demo_data"

# What Quésia wrote or did, one distinctive text per desk.
HERS = {
    "vacation_note": "Viagem a Paraty com a família",
    "sick_note": "Consulta cardiológica de rotina",
    "dispute": "Preço da corretora 2% acima do boleto",
    "incident_title": "Impressora do financeiro parou",
    "incident_description": "A impressora fiscal trava ao emitir notas",
    "incident_note": "Chamei o suporte técnico da marca",
    "watched_sku": "PRD-1028",
    "digest_channel": "C0FINANCE",
}
# What others wrote: none of it may reach her export.
THEIRS = {
    "nicolas_note": "Casamento do irmão em Ouro Preto",
    "mariana_sick": "Fisioterapia do ombro direito",
    "henrique_description": "O servidor de arquivos não responde",
    "henrique_note": "Reiniciei o storage secundário",
}


def import_file(runtime: Any, kind: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    importer = runtime.person_id_for_slack_user(GABRIELA)  # trades and confirmations say who imported them
    assert run_import(runtime, kind, DATA / f"{kind}.csv", actor_id=importer, out=out, err=err) == 0, err.getvalue()


def seed(bot: Any, standin: Any, runtime: Any) -> dict[str, int]:
    """Every desk holds something of Quésia's, and of others. Returns her leave request ids."""
    for kind in ("stock", "trades", "confirmations"):
        import_file(runtime, kind)
    ids = {
        "vacation": file_leave(runtime, QUESIA, "vacation", "2026-12-21", "2026-12-23", note=HERS["vacation_note"],
                               approve_by=GABRIELA),
        "sick": file_leave(runtime, QUESIA, "sick", "2026-11-26", "2026-11-27", note=HERS["sick_note"],
                           approve_by=GABRIELA),
    }
    file_leave(runtime, NICOLAS, "vacation", "2026-12-14", "2026-12-18", note=THEIRS["nicolas_note"],
               approve_by=GABRIELA)
    file_leave(runtime, MARIANA, "sick", "2026-12-01", "2026-12-02", note=THEIRS["mariana_sick"], approve_by=TIAGO)
    assert "PRD-1028" in bot.command("/stock", "watch " + HERS["watched_sku"], user=QUESIA).text
    assert bot.command("/trade", f"dispute T20261123-0001 {HERS['dispute']}", user=QUESIA).status == 200
    assert report(bot, standin, title=HERS["incident_title"], severity="3", service="Financeiro",
                  description=HERS["incident_description"], user=QUESIA).status == 200
    assert report(bot, standin, title="Arquivos fora do ar", severity="4", service="TI",
                  description=THEIRS["henrique_description"], user=HENRIQUE).status == 200
    bot.command("/incident", f"note 1 {HERS['incident_note']}", user=QUESIA)
    bot.command("/incident", f"note 2 {THEIRS['henrique_note']}", user=HENRIQUE)
    bot.command("/incident", "assign 1 me", user=HENRIQUE)
    bot.command("/backoffice", f"role <@{QUESIA}> manager", user=ADMIN)
    resp = bot.command("/digest", f"subscribe <#{HERS['digest_channel']}|financeiro> weekdays 08:30", user=QUESIA)
    assert resp.status == 200, resp.body
    runtime.sender.wait_idle(timeout=30)
    standin.settle()
    return ids
