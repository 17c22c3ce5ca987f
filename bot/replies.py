"""What a handler returns. Each transport (Slack, console) knows how to show it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """A message rendered from ``template`` for the person who asked.

    ``public`` posts it for everyone in the channel (a ticket, an approval); otherwise only
    the asker sees it. ``replace_original`` rewrites the message whose button was clicked.
    """

    template: str
    data: dict[str, Any] = field(default_factory=dict)
    public: bool = False
    replace_original: bool = False
    files: list[Attachment] = field(default_factory=list)


@dataclass
class Attachment:
    """A file sent with a reply (a CSV report, a chart)."""

    filename: str
    content: bytes
    title: str = ""


@dataclass
class OpenModal:
    """Open (or, inside a modal, push) a form rendered from ``template``."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ModalErrors:
    """Keep the modal open and show each message next to its field (``block_id`` -> text)."""

    errors: dict[str, str]


@dataclass
class CloseModal:
    """Close the modal; ``then`` is shown to the submitter as a message (ephemeral / DM)."""

    then: Reply | None = None


@dataclass
class Nothing:
    """Acknowledge and say nothing more (the outbox carries the news)."""


@dataclass
class HttpReply:
    """An answer to a plain HTTP request (a calendar feed): status, headers and body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
