"""`backoffice-bot import people FILE`: the sample file, and every kind of bad file refused whole."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from bot.imports_cli import run_import
from models.core.audit import AuditRecord
from models.core.people import Person
from tests.conftest import DATA

HEADER = "slack_user_id,email,name,manager_email,team,country,subdivision,timezone,locale,roles"


def _import(runtime, path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_import(runtime, "people", path, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _people(runtime) -> int:
    with runtime.db.session() as s:
        return s.scalar(select(func.count()).select_from(Person)) or 0


def test_the_sample_file_gives_24_people_with_managers_and_roles(runtime):
    code, out, err = _import(runtime, DATA / "people.csv")
    assert code == 0, err
    assert "24 criados" in out
    with runtime.db.session() as s:
        assert _people(runtime) == 24
        mariana = s.scalar(select(Person).where(Person.email == "mariana.souza@empresa.com.br"))
        assert mariana.manager.name == "Tiago Costa"
        assert mariana.roles == {"employee", "sales"}
        assert (mariana.country, mariana.subdivision, mariana.timezone) == ("BR", "MG", "America/Sao_Paulo")
        with_manager = s.scalar(select(func.count()).select_from(Person).where(Person.manager_id.is_not(None)))
        assert with_manager == 20
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(
            AuditRecord.action == "person.imported")) == 24
    # The same file again changes nothing.
    code, out, _ = _import(runtime, DATA / "people.csv")
    assert code == 0 and "0 criado, 0 atualizado, 24 sem mudança" in out


def test_semicolons_bom_and_xlsx_are_read_too(runtime, tmp_path):
    df = pd.read_csv(DATA / "people.csv", dtype=str, keep_default_na=False)
    semi = tmp_path / "people_semicolon.csv"
    semi.write_bytes(b"\xef\xbb\xbf" + df.to_csv(sep=";", index=False).encode("utf-8"))
    code, out, err = _import(runtime, semi)
    assert code == 0, err
    assert _people(runtime) == 24
    xlsx = tmp_path / "people.xlsx"
    df.loc[df["email"] == "joao.santos@empresa.com.br", "team"] = "Pessoas"
    df.to_excel(xlsx, index=False)
    code, out, err = _import(runtime, xlsx)
    assert code == 0, err
    assert "1 atualizado," in out


BAD_FILES = {
    "missing column": ("slack_user_id,name,roles\nU0AAAAAAA1,Ana,employee\n", ["linha 1", "email"]),
    "bad email": (HEADER + "\nU0AAAAAAA1,ana-at-empresa,Ana,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n"
                  "U0AAAAAAA2,bia@empresa.com.br,Bia,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n",
                  ["linha 2", "ana-at-empresa", "não é um endereço de e-mail"]),
    "unknown manager": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,chefe@empresa.com.br,TI,BR,SP,"
                        "America/Sao_Paulo,pt-BR,employee\n", ["linha 2", "chefe@empresa.com.br"]),
    "duplicate id": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n"
                     "U0AAAAAAA1,bia@empresa.com.br,Bia,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n",
                     ["linha 3", "U0AAAAAAA1", "linha 2"]),
    "duplicate email": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n"
                        "U0AAAAAAA2,ANA@empresa.com.br,Ana B,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n",
                        ["linha 3", "ana@empresa.com.br"]),
    "manager cycle": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,bia@empresa.com.br,TI,BR,SP,America/Sao_Paulo,"
                      "pt-BR,employee\nU0AAAAAAA2,bia@empresa.com.br,Bia,caio@empresa.com.br,TI,BR,SP,"
                      "America/Sao_Paulo,pt-BR,employee\nU0AAAAAAA3,caio@empresa.com.br,Caio,ana@empresa.com.br,"
                      "TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n", ["círculo", "ana@empresa.com.br →"]),
    "unknown role": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,SP,America/Sao_Paulo,pt-BR,chef\n",
                     ["linha 2", "chef"]),
    "bad time zone": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,SP,America/Sao_Pablo,pt-BR,employee\n",
                      ["linha 2", "America/Sao_Pablo"]),
    "unknown country": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,ZZ,SP,America/Sao_Paulo,pt-BR,employee\n",
                        ["linha 2 [country]", "“ZZ” não é um país com calendário de feriados"]),
    "unknown state": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,XX,America/Sao_Paulo,pt-BR,employee\n",
                      ["linha 2 [subdivision]", "“XX” não é um estado de BR", "SP"]),
    "unknown language": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,SP,America/Sao_Paulo,klingon,employee\n",
                         ["linha 2 [locale]", "“klingon” não é um código de idioma: use pt-BR ou en"]),
    "language not spoken": (HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,SP,America/Sao_Paulo,ja-JP,employee\n",
                            ["linha 2 [locale]", "Ainda não falo “ja-JP”"]),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_bad_file_is_refused_whole_with_row_numbered_reasons(runtime, tmp_path, kind):
    content, expected = BAD_FILES[kind]
    good_rows = "\nU0GOOD0001,good@empresa.com.br,Good Person,,TI,BR,SP,America/Sao_Paulo,pt-BR,employee\n"
    path = tmp_path / "people.csv"
    path.write_text(content.rstrip("\n") + (good_rows if content.startswith(HEADER) else "\n"), encoding="utf-8")
    code, out, err = _import(runtime, path)
    assert code == 1
    assert "nada foi alterado" in err
    for fragment in expected:
        assert fragment in err, (kind, err)
    assert _people(runtime) == 0  # the good row was not imported either


def test_a_missing_file_says_so(runtime, tmp_path):
    code, _, err = _import(runtime, tmp_path / "nope.csv")
    assert code == 1 and "nope.csv" in err


def test_every_problem_is_listed_by_row_before_anything_is_written_with_natural_plurals(runtime, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,ZZ,,America/Sao_Paulo,klingon,employee\n"
                    "U0AAAAAAA2,bia@empresa.com.br,Bia,,TI,BR,XX,Mars/Olympus,pt-BR,employee\n", encoding="utf-8")
    code, out, err = _import(runtime, path)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == "O arquivo foi recusado e nada foi alterado: 4 problemas."
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "linha 2 [country]", "linha 2 [locale]", "linha 3 [subdivision]", "linha 3 [timezone]"]
    assert _people(runtime) == 0
    one = tmp_path / "one.csv"
    one.write_text("email,nome\nana@empresa.com.br,Ana\n", encoding="utf-8")
    code, _, err = _import(runtime, one)
    assert "O arquivo foi recusado e nada foi alterado: 1 problema." in err
    assert "Falta a coluna name. Esperadas: email, name." in err


def test_languages_are_stored_as_the_bot_speaks_them(runtime, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\nU0AAAAAAA1,ana@empresa.com.br,Ana,,TI,BR,sp,America/Manaus,en-US,employee\n"
                    "U0AAAAAAA2,bia@empresa.com.br,Bia,,TI,BR,RJ,America/Sao_Paulo,pt_BR,employee\n", encoding="utf-8")
    code, _, err = _import(runtime, path)
    assert code == 0, err
    with runtime.db.session() as s:
        stored = {p.email: (p.locale, p.subdivision, p.timezone) for p in s.scalars(select(Person))}
    assert stored == {"ana@empresa.com.br": ("en", "SP", "America/Manaus"),
                      "bia@empresa.com.br": ("pt-BR", "RJ", "America/Sao_Paulo")}


def test_a_changed_person_is_updated_alone_with_their_new_manager_and_roles(runtime, tmp_path):
    assert _import(runtime, DATA / "people.csv")[0] == 0
    with runtime.db.session() as s:
        trail = s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action.like("person.%"))) or 0
    text = (DATA / "people.csv").read_text(encoding="utf-8").replace(
        "U070000004,mariana.souza@empresa.com.br,Mariana Souza,tiago.costa@empresa.com.br,Vendas,BR,MG,"
        "America/Sao_Paulo,pt-BR,sales",
        "U070000004,mariana.souza@empresa.com.br,Mariana Souza,gabriela.santos@empresa.com.br,Backoffice Financeiro,"
        "BR,MG,America/Sao_Paulo,pt-BR,backoffice")
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    code, out, err = _import(runtime, path)
    assert code == 0, err
    assert "0 criado, 1 atualizado, 23 sem mudança" in out
    with runtime.db.session() as s:
        mariana = s.scalar(select(Person).where(Person.email == "mariana.souza@empresa.com.br"))
        assert mariana.manager.name == "Gabriela Santos"
        assert mariana.roles == {"employee", "backoffice"}  # sales dropped, employee kept
        assert mariana.team == "Backoffice Financeiro"
        records = s.scalars(select(AuditRecord).where(AuditRecord.action.like("person.%"))
                            .order_by(AuditRecord.id).offset(trail)).all()
        assert [(r.action, r.entity_id) for r in records] == [
            ("person.updated", str(mariana.id)), ("person.manager", str(mariana.id))]
        assert records[0].before["roles"] == ["employee", "sales"]
        assert records[1].before == {"manager": "tiago.costa@empresa.com.br"}
        assert records[1].after == {"manager": "gabriela.santos@empresa.com.br"}
