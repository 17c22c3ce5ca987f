"""A handler's result rendered for the person who asked: what the Slack adapter and the console
show, as typed values read by name (never a tagged tuple read by index)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.render import render
from bot.replies import CloseModal, ModalErrors, OpenModal, Reply
from bot.request import Request


@dataclass(frozen=True)
class Message:
    """A :class:`Reply` rendered: ``message`` is ``{"text", "blocks"}``."""

    reply: Reply
    message: dict


@dataclass(frozen=True)
class Modal:
    """An :class:`OpenModal` rendered: ``view`` is the Block Kit view."""

    view: dict


@dataclass(frozen=True)
class FieldErrors:
    """:class:`ModalErrors` translated: ``{block_id: text}``."""

    errors: dict[str, str]


@dataclass(frozen=True)
class Closed:
    """A :class:`CloseModal`, with its message for the submitter, if any."""

    then: Message | None


@dataclass(frozen=True)
class Silent:
    """Nothing to show (:class:`~bot.replies.Nothing`)."""


Answer = Message | Modal | FieldErrors | Closed | Silent


def render_reply(reply: Reply, req: Request) -> Message:
    return Message(reply, render(reply.template, reply.data, locale=req.locale, tz=req.tz))


def render_answer(result: object, req: Request) -> Answer:
    """Render what a handler returned in the asker's language and time zone."""
    if isinstance(result, Reply):
        return render_reply(result, req)
    if isinstance(result, OpenModal):
        return Modal(render(result.template, result.data, locale=req.locale, tz=req.tz))
    if isinstance(result, ModalErrors):
        return FieldErrors({k: req.t(v) for k, v in result.errors.items()})
    if isinstance(result, CloseModal):
        return Closed(render_reply(result.then, req) if result.then is not None else None)
    return Silent()
