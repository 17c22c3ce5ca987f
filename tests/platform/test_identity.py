"""Who am I, roles, people: identity and administration as users see it."""

from __future__ import annotations

from sqlalchemy import func, select

from models.core.audit import AuditRecord
from models.core.people import Person
from tests.cast import ADMIN, MARIANA


def test_whoami_answers_in_the_persons_language_with_manager_and_approver(bot, people):
    resp = bot.command("/backoffice", "whoami", user=MARIANA)
    assert resp.status == 200
    text = resp.text
    assert "Mariana Souza" in text
    assert "Tiago Costa" in text  # manager, and approver
    assert "Quem sou eu" in text
    assert "vendas" in text
    assert "BR / MG" in text


def test_first_time_slack_user_is_created_from_users_info_once(bot, standin, runtime):
    standin.add_user("U0NEWBIE1", name="Nina Nova", email="nina@empresa.com.br", tz="America/Manaus", locale="en-US")
    first = bot.command("/backoffice", "whoami", user="U0NEWBIE1")
    second = bot.command("/backoffice", "whoami", user="U0NEWBIE1")
    assert "Nina Nova" in first.text and "Who am I" in first.text  # English, from her Slack locale
    assert "America/Manaus" in second.text
    assert len(standin.of("users.info")) == 1
    with runtime.db.session() as s:
        nina = s.scalar(select(Person).where(Person.slack_user_id == "U0NEWBIE1"))
        assert nina.roles == {"employee"}
        assert nina.email == "nina@empresa.com.br"


def test_admin_grants_a_role_the_person_is_told_and_it_is_audited(bot, standin, people, runtime):
    resp = bot.command("/backoffice", f"role <@{MARIANA}|mariana> manager", user=ADMIN)
    assert resp.status == 200
    assert "gestor" in resp.text  # the role in the reader's words
    dm = standin.wait_for("chat.postMessage", where=lambda c: c.get("channel") == MARIANA)
    assert "Eduarda Silva" in dm[0].text and "gestor" in dm[0].text
    with runtime.db.session() as s:
        rec = s.scalar(select(AuditRecord).where(AuditRecord.action == "person.roles"))
        assert rec.after == {"roles": ["employee", "manager", "sales"]}
        assert rec.before == {"roles": ["employee", "sales"]}
        assert rec.request_id and rec.request_id.startswith("command:")
        assert rec.actor_id is not None


def test_non_admin_cannot_change_roles_and_nothing_changes(bot, people, runtime):
    resp = bot.command("/backoffice", f"role <@{MARIANA}> admin", user=MARIANA)
    assert resp.status == 200
    assert resp.json["response_type"] == "ephemeral"
    assert "admin" in resp.text and "papel" in resp.text
    with runtime.db.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "person.roles")) == 0


def test_the_domain_refuses_role_changes_by_non_admins_too(people):
    import pytest

    from models.core.errors import PermissionDenied
    from models.core.people import Role, get_person
    from models.core.people_flow import set_role

    with pytest.raises(PermissionDenied):
        with people.unit_of_work(actor=None, source="test") as ctx:
            ctx.actor = get_person(ctx.session, MARIANA)
            set_role(ctx, ctx.actor, Role.admin)


def test_unknown_role_and_unknown_subcommand_explain_the_usage(bot, people):
    bad_role = bot.command("/backoffice", f"role <@{MARIANA}> chef", user=ADMIN)
    assert "chef" in bad_role.text and "colaborador, vendas" in bad_role.text
    unknown = bot.command("/backoffice", "frobnicate", user=ADMIN)
    assert "frobnicate" in unknown.text and "/backoffice help" in unknown.text
    missing = bot.command("/backoffice", "role", user=ADMIN)
    assert "/backoffice role @ana manager" in missing.text


def test_people_lists_everyone_for_admins_only(bot, people):
    resp = bot.command("/backoffice", "people", user=ADMIN)
    assert "24 pessoas" in resp.text
    assert "Quésia Almeida" in resp.text
    oncall = bot.command("/backoffice", "people oncall", user=ADMIN)
    assert "6 pessoas" in oncall.text and "Sofia Santos" in oncall.text and "Mariana" not in oncall.text
    refused = bot.command("/backoffice", "people", user=MARIANA)
    assert "Quésia" not in refused.text and "admin" in refused.text


def test_command_help_lists_subcommands_and_marks_restricted_ones(bot, people):
    resp = bot.command("/backoffice", "help", user=MARIANA)
    assert "/backoffice" in resp.text
    detail = bot.command("/backoffice", "role help", user=MARIANA)
    assert detail.status == 200
