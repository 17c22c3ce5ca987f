"""Fuzzing: whatever a person types or a payload carries, the bot answers with what to do, never crashes.

The normal run tries a few hundred cases; the long variant (``-m long``, run by .ci/run) 10,000.
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.direct import DirectSlack

APOLOGY = ("referência", "reference")
NASTY = st.sampled_from([
    "", " ", "help", "x" * 5000, "'; DROP TABLE people; --", "<@U070000004>", "<#C123|geral>", "<!channel>",
    "%s%s%n", "{0}{name}", "{{7*7}}", "\u202e\u0000", "🙂" * 50, "1e309", "-1", "0", "9" * 40, "NaN",
    "2026-02-30", "31/12/2026", "PRD-1042", "INC-0001", "T20261123-0001", "null", "[]", "{}",
])
TEXT = st.one_of(NASTY, st.text(max_size=300), st.lists(NASTY, max_size=4).map(" ".join))
CASES = int(os.environ.get("FUZZ_CASES", "150"))
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                derandomize=True)


@pytest.fixture
def direct(people, runtime):
    return DirectSlack(runtime)


def _check(resp, what: str) -> None:
    assert resp.status == 200, (what, resp.status, resp.body[:300])
    for word in APOLOGY:
        assert word not in resp.text, (what, resp.text[:500])


def _fuzz_commands(direct, runtime, n):
    names = sorted(runtime.registry.commands)
    subs = {n: sorted({e.name for e in runtime.registry.commands[n].subcommands.values()}) for n in names}

    @settings(max_examples=n, **SETTINGS)
    @given(name=st.sampled_from(names), data=st.data(), text=TEXT)
    def run(name, data, text):
        sub = data.draw(st.sampled_from([""] + subs[name]))
        line = f"{sub} {text}".strip()
        resp = direct.command("/" + name, line, user=data.draw(st.sampled_from(direct.users)))
        _check(resp, f"/{name} {line!r}")
        if resp.body:
            assert resp.text.strip(), f"/{name} {line!r} answered nothing"

    run()


def _fuzz_actions(direct, runtime, n):
    ids = sorted(runtime.registry.actions)
    if not ids:
        return

    @settings(max_examples=n, **SETTINGS)
    @given(action_id=st.sampled_from(ids), value=TEXT, user=st.sampled_from(direct.users))
    def run(action_id, value, user):
        resp = direct.click(action_id, value, user=user)
        _check(resp, f"{action_id}={value!r}")
        for call in direct.replies():
            assert not any(word in call for word in APOLOGY), (action_id, value, call[:300])

    run()


def _fuzz_views(direct, runtime, n):
    ids = sorted(runtime.registry.views)
    if not ids:
        return
    values = st.one_of(TEXT, st.none(), st.lists(TEXT, max_size=3), st.integers(), st.booleans())

    @settings(max_examples=n, **SETTINGS)
    @given(callback_id=st.sampled_from(ids), answers=st.dictionaries(TEXT, values, max_size=6),
           metadata=st.one_of(TEXT, st.just(json.dumps({"channel": "C1", "value": "1"}))),
           user=st.sampled_from(direct.users))
    def run(callback_id, answers, metadata, user):
        resp = direct.submit(callback_id, answers, metadata, user=user)
        _check(resp, f"{callback_id} {answers!r}")

    run()


def _fuzz_text(direct, n):
    @settings(max_examples=n, **SETTINGS)
    @given(text=TEXT, user=st.sampled_from(direct.users))
    def run(text, user):
        direct.mention(text, user=user)
        for call in direct.replies():
            assert not any(word in call for word in APOLOGY), (text, call[:300])

    run()


def test_fuzz_every_command(direct, runtime):
    _fuzz_commands(direct, runtime, CASES)


def test_fuzz_every_button(direct, runtime):
    _fuzz_actions(direct, runtime, CASES)


def test_fuzz_every_form(direct, runtime):
    _fuzz_views(direct, runtime, CASES)


def test_fuzz_mentions_and_dms(direct):
    _fuzz_text(direct, CASES // 2)


@pytest.mark.long
def test_fuzz_long_variant(direct, runtime):
    """10,000 cases across commands, buttons, forms and mentions."""
    _fuzz_commands(direct, runtime, 4000)
    _fuzz_actions(direct, runtime, 2500)
    _fuzz_views(direct, runtime, 2500)
    _fuzz_text(direct, 1000)
