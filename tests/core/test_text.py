"""The one accent and case fold: what people type meets what is stored."""

from __future__ import annotations

from models.core.text import fold, fold_words


def test_fold_drops_accents_and_case_but_keeps_the_letters() -> None:
    assert fold("Ação Ergonômica") == "acao ergonomica"
    assert fold("PLANTÃO") == "plantao"
    assert fold("INC-0042 Não Funciona!") == "inc-0042 nao funciona!"


def test_fold_words_leaves_letters_and_digits_only() -> None:
    assert fold_words("  Cadeira   ergonômica, azul (M8)! ") == "cadeira ergonomica azul m8"
    assert fold_words("—") == ""
