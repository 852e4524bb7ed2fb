"""Telegram Desktop exports (``result.json``, machine-readable JSON) -> one Document per message.

Both shapes Telegram Desktop writes are read: a single chat or channel export (an object with
``name``, ``type`` and a ``messages`` list) and a full account export (``chats.list`` and
``left_chats.list``, each a chat with its messages).

Each ordinary message with text (or a media caption) becomes a ``social`` Document: the text
flattened from Telegram's string-or-entities form, the message date, and the link
``https://t.me/<username>/<id>`` as ``url`` and ``origin`` when the channel's public username
is known (a top-level ``username`` or ``link`` field); otherwise the origin is
``<file>#message-<id>`` (``<file>#chat-<chat id>/message-<id>`` in a full export). Service
messages (joins, pins, calls) and messages without text are skipped.

Privacy: the sender's name becomes ``author`` only for channels, where it is the channel itself.
In groups and private chats the sender may be a person at risk, so no sender identity is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import decode_text
from recruitwatch.isodate import iso_date
from recruitwatch.limits import DEFAULT_LIMITS, Limits, check_parse_size
from recruitwatch.records import Document, ReadFailure

FILENAMES = ("result.json",)
_USERNAME = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/([A-Za-z][A-Za-z0-9_]{3,31})/?$|^@?([A-Za-z][A-Za-z0-9_]{3,31})$")
_CHANNEL_TYPES = ("public_channel", "private_channel", "channel")


def looks_like_export(head: bytes) -> bool:
    """Cheap check on the first bytes of a .json file: an object with a messages or chats list."""
    start = head.lstrip()[:1]
    return start == b"{" and (b'"messages"' in head or b'"chats"' in head)


def read(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Document | ReadFailure]:
    check_parse_size(path, source, limits, "a Telegram export")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    text, _ = decode_text(data, source)
    try:
        export = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(source, f"broken Telegram export: not valid JSON: {exc.msg} "
                        f"(line {exc.lineno}, column {exc.colno})",
                        "export the chat again from Telegram Desktop in JSON format") from None
    if not isinstance(export, dict):
        raise ReadError(source, "not a Telegram export: expected a JSON object")
    if isinstance(export.get("messages"), list):
        yield from _chat(export, source, prefix="")
        return
    chats = _full_export_chats(export)
    if chats is None:
        raise ReadError(source, "not a Telegram export: no \"messages\" list",
                        "use the machine-readable JSON export of Telegram Desktop")
    for chat in chats:
        if isinstance(chat, dict) and isinstance(chat.get("messages"), list):
            yield from _chat(chat, source, prefix=f"chat-{chat.get('id', 'unknown')}/")


def _full_export_chats(export: dict) -> list | None:
    found = None
    for key in ("chats", "left_chats"):
        section = export.get(key)
        if isinstance(section, dict) and isinstance(section.get("list"), list):
            found = (found or []) + section["list"]
    return found


def _chat(chat: dict, source: str, *, prefix: str) -> Iterator[Document | ReadFailure]:
    username = _username(chat)
    name = chat.get("name") if isinstance(chat.get("name"), str) else None
    chat_type = chat.get("type") if isinstance(chat.get("type"), str) else None
    is_channel = chat_type in _CHANNEL_TYPES
    for position, message in enumerate(chat["messages"], start=1):
        if not isinstance(message, dict):
            yield ReadFailure(f"{source}#{prefix}item-{position}", f"expected a message object, found {type(message).__name__}")
            continue
        if message.get("type", "message") != "message":
            continue  # service message
        message_id = message.get("id")
        if not isinstance(message_id, int):
            yield ReadFailure(f"{source}#{prefix}item-{position}", "message has no numeric id")
            continue
        text = flatten_text(message.get("text"))
        if not text.strip():
            continue
        url = f"https://t.me/{username}/{message_id}" if username and not prefix else None
        origin = url or f"{source}#{prefix}message-{message_id}"
        meta: dict[str, Any] = {"format": "telegram", "message_id": message_id}
        if chat_type:
            meta["chat_type"] = chat_type
        if chat.get("id") is not None:
            meta["chat_id"] = chat.get("id")
        for key in ("forwarded_from", "reply_to_message_id", "edited"):
            if message.get(key) is not None:
                meta[key] = message[key]
        if message.get("media_type") or message.get("photo") or message.get("file"):
            meta["media"] = message.get("media_type") or ("photo" if message.get("photo") else "file")
        published = iso_date(message.get("date")) or iso_date(message.get("date_unixtime"))
        yield Document.create(
            text=text.strip(),
            origin=origin,
            kind="social",
            published=published,
            url=url,
            outlet=name,
            author=(message.get("from") or name) if is_channel else None,
            meta=meta,
        )


def flatten_text(value: Any) -> str:
    """Telegram message text: a string, or a list of strings and entity objects with "text"."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)
    return ""


def _username(chat: dict) -> str | None:
    for key in ("username", "link"):
        value = chat.get(key)
        if isinstance(value, str):
            m = _USERNAME.match(value.strip())
            if m:
                return m.group(1) or m.group(2)
    return None
