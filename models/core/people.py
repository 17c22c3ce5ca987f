"""People, their roles and their manager: who may do what, who approves whom."""

from __future__ import annotations

import datetime as dt
import enum
import re

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core.base import Base
from models.core.errors import N_, NotFound, PermissionDenied, Terms, ValidationError
from models.core.text import fold


class Role(str, enum.Enum):
    """What a person does in the company; roles add up."""

    employee = "employee"
    sales = "sales"
    backoffice = "backoffice"
    oncall = "oncall"
    manager = "manager"
    admin = "admin"

    @property
    def label(self) -> str:
        """The role as people call it (a message id: "on call", "plantão")."""
        return ROLE_LABELS[self.value]

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named by ``text``: its code or its name in English or Portuguese (case, accents
        and spaces ignored), or a ValidationError listing the roles."""
        key = re.sub(r"[\s_-]+", "", fold(text.strip()))
        found = ROLE_WORDS.get(key)
        if found is None:
            raise ValidationError(N_("Unknown role “{role}”. Roles are: {roles}."), role=text,
                                  roles=Terms(ROLE_LABELS.values()))
        return cls(found)


# What people call each role; the Portuguese names are in the platform catalogue.
ROLE_LABELS = {"employee": N_("employee"), "sales": N_("sales"), "backoffice": N_("back office"),
               "oncall": N_("on call"), "manager": N_("manager"), "admin": N_("admin")}
# Every way to type a role (accents, spaces and dashes removed): codes, English and Portuguese names.
ROLE_WORDS = {
    **{code: code for code in ROLE_LABELS}, **{label.replace(" ", ""): code for code, label in ROLE_LABELS.items()},
    "colaborador": "employee", "colaboradora": "employee", "funcionario": "employee", "vendas": "sales",
    "vendedor": "sales", "vendedora": "sales", "plantao": "oncall", "gestor": "manager", "gestora": "manager",
    "gerente": "manager", "administrador": "admin", "administradora": "admin",
}


EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,}$")


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Person(Base):
    """Someone in the company, known by Slack user id and/or e-mail."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("slack_user_id"), UniqueConstraint("email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    team: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="BR")
    subdivision: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]

    manager: Mapped[Person | None] = relationship(remote_side="Person.id", lazy="joined", join_depth=1)
    role_rows: Mapped[list[PersonRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by=PersonRole.role
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: Role | str) -> bool:
        """True if the person holds any of ``roles``."""
        mine = self.roles
        return any((r.value if isinstance(r, Role) else r) in mine for r in roles)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.admin)

    def set_roles(self, roles: set[str]) -> None:
        """Replace the roles; everybody is at least an employee."""
        wanted = set(roles) | {Role.employee.value}
        self.role_rows[:] = [r for r in self.role_rows if r.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(PersonRole(role=role))

    def require(self, *roles: Role | str) -> None:
        """Raise PermissionDenied unless the person holds one of ``roles`` (admins hold them all)."""
        if self.is_admin or self.has_role(*roles):
            return
        names = Terms([ROLE_LABELS.get(r.value if isinstance(r, Role) else r, str(r)) for r in roles], sep=" / ")
        raise PermissionDenied(N_("This needs the {roles} role; ask an admin if you should have it."), roles=names)

    @property
    def mention(self) -> str:
        return f"<@{self.slack_user_id}>" if self.slack_user_id else self.name

    def reports_chain(self) -> list[Person]:
        """Managers above this person, nearest first (stops at a cycle)."""
        chain: list[Person] = []
        seen = {self.id}
        boss = self.manager
        while boss is not None and boss.id not in seen:
            chain.append(boss)
            seen.add(boss.id)
            boss = boss.manager
        return chain


def admins(session: Session) -> list[Person]:
    """Active admins, by name."""
    stmt = (
        select(Person)
        .join(PersonRole)
        .where(PersonRole.role == Role.admin.value, Person.active.is_(True))
        .order_by(Person.name)
    )
    return list(session.scalars(stmt).unique())


MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
NAME_WORDS = 4  # the longest name ``take_person`` tries to read from the words typed


def find_person(session: Session, key: str) -> Person | None:
    """The one resolver of a person as typed or sent: a Slack mention (``<@U123>``, ``<@U123|ana>``),
    a Slack id with or without ``@`` (``U123``, ``@U123``), an e-mail, a handle (``@ana.silva``,
    the e-mail's first part) or a name (``@Ana Silva``, any case)."""
    key = key.strip()
    m = MENTION_RE.fullmatch(key)
    if m:
        key = m.group(1)
    key = key.removeprefix("@").strip()
    if not key:
        return None
    if SLACK_ID_RE.match(key):
        return session.scalar(select(Person).where(Person.slack_user_id == key))
    if "@" in key:
        return session.scalar(select(Person).where(Person.email == key.lower()))
    found = session.scalar(select(Person).where(Person.name == key))
    if found is None:
        same = list(session.scalars(select(Person).where(func.lower(Person.name) == key.lower())
                                    .order_by(Person.active.desc(), Person.id).limit(2)))
        found = same[0] if len(same) == 1 else None
    if found is None and " " not in key:
        found = session.scalar(select(Person).where(Person.email.like(f"{_escape_like(key.lower())}@%", escape="\\"))
                               .order_by(Person.active.desc(), Person.id).limit(1))
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def get_person(session: Session, key: str) -> Person:
    """Like :func:`find_person` but raises NotFound with a hint."""
    person = find_person(session, key)
    if person is None:
        raise NotFound(N_("I don't know “{who}”. Mention them as @name, or use their e-mail."), who=key)
    return person


def take_person(session: Session, words: list[str]) -> tuple[Person, list[str]]:
    """The person named by the first words (``@Ana Silva manager`` -> Ana, ``["manager"]``) and the
    words after; a one-word mention, id or e-mail first, then the longest name that matches."""
    if not words:
        raise NotFound(N_("Say who: mention them as @name, or use their e-mail."))
    first = find_person(session, words[0])
    if first is not None:
        return first, words[1:]
    for n in range(min(NAME_WORDS, len(words)), 1, -1):
        person = find_person(session, " ".join(words[:n]))
        if person is not None:
            return person, words[n:]
    return get_person(session, words[0]), words[1:]


def approvers_for(session: Session, person: Person) -> list[Person]:
    """Who decides for ``person``: their manager; if none (or themselves), the admins. Never themselves."""
    boss = person.manager
    if boss is not None and boss.id != person.id and boss.active:
        return [boss]
    return [p for p in admins(session) if p.id != person.id]
