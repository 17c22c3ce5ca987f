"""The App Home: published when opened, with my parts and my commands; its buttons work."""

from __future__ import annotations

import time

from tests.cast import EDUARDA, MARIANA, TIAGO


def open_home(bot, user: str, tab: str = "home"):
    ts = f"{time.time():.6f}"
    return bot.event({"type": "app_home_opened", "user": user, "channel": "D0DIRECT01", "tab": tab,
                      "event_ts": ts})


def published(standin, user: str) -> list:
    return standin.of("views.publish", lambda c: c.get("user_id") == user)


def test_opening_home_publishes_my_parts_and_the_commands_i_can_use(bot, staff, standin, desk):
    desk.waiting[TIAGO] = ["Mariana Souza · 1–5 Dec", "Yasmin Costa · 14 Dec"]
    assert open_home(bot, TIAGO).status == 200
    [call] = standin.wait_for("views.publish", where=lambda c: c.get("user_id") == TIAGO)
    view = call["view"]
    assert view["type"] == "home"
    text = call.text
    assert "Olá, Tiago Costa" in text and "Stand-in approvals (2)" in text and "Yasmin Costa · 14 Dec" in text
    assert "O que você pode me pedir" in text and "/digest subscribe [#canal]" in text
    assert "Seu resumo chega por DM toda manhã de dia útil às 09:00" in text
    assert "/digest status" not in text  # admins only
    assert "/backoffice role" not in text


def test_an_admin_sees_the_admin_commands_and_an_empty_home_says_so(bot, staff, standin):
    open_home(bot, EDUARDA)
    [call] = standin.wait_for("views.publish", where=lambda c: c.get("user_id") == EDUARDA)
    assert "/digest status" in call.text and "/backoffice role" in call.text
    assert "Nada espera por você agora" in call.text
    assert "Seu resumo chega por DM" not in call.text  # not a manager


def test_a_button_on_the_published_home_works(bot, staff, standin, desk):
    desk.waiting[TIAGO] = ["Mariana Souza · 1–5 Dec"]
    open_home(bot, TIAGO)
    [call] = standin.wait_for("views.publish", where=lambda c: c.get("user_id") == TIAGO)
    view = {**call["view"], "id": "V0HOME001"}
    button = next(el for b in view["blocks"] if b["type"] == "actions" for el in b["elements"])
    resp = bot.click(button, user=TIAGO, view=view)
    assert resp.status == 200
    assert desk.clicks == [(TIAGO, "Mariana Souza · 1–5 Dec")]


def test_the_messages_tab_publishes_nothing(bot, staff, standin):
    open_home(bot, MARIANA, tab="messages")
    standin.settle(quiet=0.3)
    assert published(standin, MARIANA) == []
