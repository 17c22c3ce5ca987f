"""The README's examples, typed into the console on the demo company, work as written in both
languages: every command and question it suggests gets a real answer, never a fallback."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.console.session import Console
from bot.demo import load_demo

README = Path(__file__).resolve().parents[2] / "README.md"

# What a reader must never see in reply to an example the README gives.
FALLBACKS = ("Não entendi", "I did not understand", "Nada encontrado", "Nothing found", "Desculpe, algo deu errado",
             "Sorry, something went wrong", "Traceback", "não sei o que é", "do not know")
ENGLISH_SPEAKER = "karina.silva@empresa.com.br"  # the demo story switches her to English
ADMIN = "eduarda.silva@empresa.com.br"


def examples() -> list[str]:
    """The commands and questions of the README's "Try it" section and of its opening lines."""
    text = README.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # the set-up commands are not typed in Slack
    try_it = text.split("## Try it", 1)[1].split("\n## ", 1)[0]
    intro = text.split("## Try it", 1)[0]
    typed = [c for c in re.findall(r"`([^`]+)`", try_it) if c.startswith("/") and " " in c]
    typed += re.findall(r'question such as "([^"]+)"', try_it.replace("\n", " "))
    typed += [m for m in re.findall(r'"(@backoffice [^"]+)"', intro)]
    typed += [c for c in re.findall(r"`(/[a-z]+ [^`]+)`", intro) if "<" not in c]
    return list(dict.fromkeys(" ".join(t.split()) for t in typed))


def answers(runtime, who: str, line: str) -> str:
    out = io.StringIO()
    Console(runtime, who=who, out=out).run(io.StringIO(line + "\n"))
    return out.getvalue().split("\n", 1)[1]  # past the greeting


@pytest.fixture
def demo(runtime):
    load_demo(runtime)
    return runtime


def test_the_readme_suggests_commands_and_questions():
    found = examples()
    assert "/backoffice whoami" in found and "/stock cadeira azul" in found
    assert "@backoffice tem cadeira azul?" in found and "tem parafuso M8 no estoque?" in found
    assert len(found) >= 8


@pytest.mark.parametrize("who", [ADMIN, ENGLISH_SPEAKER], ids=["pt-BR", "en"])
def test_every_readme_example_gets_a_real_answer_in_both_languages(demo, who):
    for line in examples():
        said = answers(demo, who, line)
        assert said.strip(), line
        wrong = [f for f in FALLBACKS if f in said]
        assert not wrong, f"{line!r} as {who}: {wrong}\n{said}"
        assert not re.search(r"\{\w+\}|%\(\w+\)", said), f"{line!r}: a raw placeholder\n{said}"


def test_the_readme_examples_speak_the_readers_language(demo):
    portuguese = answers(demo, ADMIN, "/stock cadeira azul")
    english = answers(demo, ENGLISH_SPEAKER, "/stock cadeira azul")
    assert "produtos encontrados" in portuguese and "disponíveis" in portuguese
    assert "products match" in english and "available" in english and "disponíveis" not in english
