"""A first-time user's command is answered in time even when Slack's users.info hangs."""

from __future__ import annotations

import time

from sqlalchemy import select

from models.core.people import Person, Role

SLACK_DEADLINE = 3.0
NEWCOMER = "U0NEWBIE01"


def _person(runtime, **where):
    with runtime.db.session(readonly=True) as s:
        return s.scalar(select(Person).filter_by(**where))


def _wait(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("never happened")


def test_a_new_users_first_command_is_acked_in_time_with_users_info_hanging(bot, people, standin, runtime):
    standin.add_user(NEWCOMER, name="Renata Prado", email="renata.prado@empresa.com.br", locale="en-US")
    standin.slow("users.info", seconds=5)
    answer = bot.command("/backoffice", "whoami", user=NEWCOMER)
    assert answer.status == 200
    assert answer.elapsed < SLACK_DEADLINE
    assert "newbie01" in answer.text.lower()  # the name Slack put in the request, until the profile comes
    # The profile arrives later and fills the person in.
    person = _wait(lambda: (p := _person(runtime, slack_user_id=NEWCOMER)) and p.name == "Renata Prado" and p)
    assert person.email == "renata.prado@empresa.com.br" and person.locale == "en-US"
    again = bot.command("/backoffice", "whoami", user=NEWCOMER)
    assert "Renata Prado" in again.text and again.elapsed < SLACK_DEADLINE


def test_a_late_profile_links_the_imported_person_with_that_email(bot, people, standin, runtime):
    with runtime.unit_of_work(source="test") as ctx:
        imported = Person(name="Paula Lima", email="paula.lima@empresa.com.br", country="BR", created_at=ctx.now,
                          timezone="America/Sao_Paulo")
        imported.set_roles({Role.employee.value, Role.sales.value})
        ctx.session.add(imported)
    standin.add_user(NEWCOMER, name="Paula Lima", email="paula.lima@empresa.com.br")
    standin.slow("users.info", seconds=3)
    assert bot.command("/backoffice", "whoami", user=NEWCOMER).elapsed < SLACK_DEADLINE
    _wait(lambda: _person(runtime, slack_user_id=NEWCOMER, email="paula.lima@empresa.com.br"))
    answer = bot.command("/backoffice", "whoami", user=NEWCOMER)
    assert "Paula Lima" in answer.text and "vendas" in answer.text  # the imported person, with their roles


def test_a_quick_users_info_is_used_at_once(bot, people, standin, runtime):
    standin.add_user(NEWCOMER, name="Renata Prado", email="renata.prado@empresa.com.br")
    assert "Renata Prado" in bot.command("/backoffice", "whoami", user=NEWCOMER).text
