"""E-mail (.eml) and mailboxes (.mbox) -> one Document per message, one per readable attachment.

Hotline mail: the stdlib ``email`` package with ``policy.default`` parses each message,
``mailbox.mbox`` splits a mailbox. Per message: the subject is the title, the Date header the
publication date, the text the ``text/plain`` body (else the ``text/html`` body as text). Each
attachment that is itself a report (a PDF, a .docx, a text or HTML file, a forwarded message;
a photo only with ``--ocr``) becomes its own Document whose origin points at the message:
``<path>#attachment-2`` for an .eml, ``<path>#message-3/attachment-2`` in a mailbox;
``meta["message_origin"]`` names the message.

Charsets: the declared one is used when the bytes fit it; a missing or wrong declaration is
detected (windows-1251, KOI8-R and cp866 are common in Russian mail); text that fits no encoding
is an error naming the message. A bad message in a mailbox is reported as
``<path>#message-<n>`` and the others are read.

**Personal data:** sender and recipient addresses and names (From, To, Cc, Reply-To), the
Received trail and the Message-ID are not kept anywhere: they identify people who wrote to a
hotline. Only the subject, the date, the body and the attachments are. The body is stored as
written, signatures included; a testimony with a person's details belongs in
``recruitwatch testimony add``, which encrypts it.
"""

from __future__ import annotations

import email
import mailbox
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from recruitwatch.errors import ReadError
from recruitwatch.ingest import ocr
from recruitwatch.ingest.encoding import decode_declared
from recruitwatch.ingest.markup import fragment_to_text, human_size, tidy
from recruitwatch.limits import DEFAULT_LIMITS, Limits
from recruitwatch.records import Document, ReadFailure

EML_EXTENSIONS = (".eml",)
MBOX_EXTENSIONS = (".mbox", ".mbx")
#: Messages forwarded inside messages are read this many levels deep.
MAX_NESTING = 3
_HEADER = re.compile(rb"^(?:From|Date|Subject|Message-ID|Return-Path|Received|To|MIME-Version):", re.I | re.M)
_HTML_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.I | re.S)
_HTML_HEAD = re.compile(r"<head[^>]*>.*?</head>", re.I | re.S)


def looks_like_mbox(head: bytes) -> bool:
    """True for the start of an mbox file: a ``From `` separator line followed by mail headers."""
    return head.startswith(b"From ") and bool(_HEADER.search(head[:4096]))


def read_eml(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS,
             ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR) -> Iterator[Document | ReadFailure]:
    size = path.stat().st_size
    if size > limits.parse_bytes:
        raise ReadError(source, f"the message is {human_size(size)}, above the {human_size(limits.parse_bytes)} limit "
                                "for one message, which is parsed whole (parse_bytes)",
                        "raise it with --limit parse_bytes=...")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(source, "file is empty")
    message = _parse(data, source)
    yield from read_message(message, source, limits=limits, ocr_options=ocr_options)


def read_mbox(path: Path, source: str, *, limits: Limits = DEFAULT_LIMITS,
              ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR) -> Iterator[Document | ReadFailure]:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not looks_like_mbox(head.lstrip(b"\r\n")):
        raise ReadError(source, "not an mbox mailbox: it does not start with a 'From ' line followed by mail headers",
                        "a single message is an .eml file")
    box = mailbox.mbox(str(path), create=False)
    try:
        count = 0
        for number, key in enumerate(box.iterkeys(), start=1):
            count += 1
            origin = f"{source}#message-{number}"
            try:
                with box.get_file(key) as fh:
                    data = fh.read(limits.parse_bytes + 1)
                if len(data) > limits.parse_bytes:
                    raise ReadError(origin, f"the message is above the {human_size(limits.parse_bytes)} limit for one "
                                            "message, which is parsed whole (parse_bytes); it was skipped")
                yield from read_message(_parse(data, origin), origin, limits=limits, ocr_options=ocr_options)
            except ReadError as exc:
                yield ReadFailure(exc.source, exc.problem + (f"; {exc.hint}" if exc.hint else ""))
            except (LookupError, ValueError, TypeError, IndexError, AttributeError) as exc:  # the email package's surprises
                yield ReadFailure(origin, f"broken message: {type(exc).__name__}: {exc}")
        if count == 0:
            raise ReadError(source, "the mailbox holds no messages")
    finally:
        box.close()


def _parse(data: bytes, origin: str) -> EmailMessage:
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage) or (not message.keys() and not message.get_payload()):
        raise ReadError(origin, "not an e-mail message: no headers found")
    return message


def read_message(message: EmailMessage, origin: str, *, limits: Limits = DEFAULT_LIMITS,
                 ocr_options: ocr.OcrOptions = ocr.DEFAULT_OCR, depth: int = 0) -> Iterator[Document | ReadFailure]:
    """The message as a Document (when it has text), then a Document per readable attachment."""
    if not message.keys():
        raise ReadError(origin, "not an e-mail message: no headers found")
    subject = _header(message, "subject", origin)
    published = _date(message)
    body, body_type = _body(message, origin)
    attachments = list(message.iter_attachments()) if message.is_multipart() else []
    notes: list[dict] = []
    found: list[Document | ReadFailure] = []
    for index, part in enumerate(attachments, start=1):
        item_origin = f"{origin}#attachment-{index}" if "#" not in origin else f"{origin}/attachment-{index}"
        name = part.get_filename() or ""
        note = {"n": index, "name": name, "type": part.get_content_type()}
        notes.append(note)
        try:
            items = list(_read_attachment(part, name, item_origin, limits, ocr_options, depth))
        except ReadError as exc:
            note["read"] = "failed"
            found.append(ReadFailure(exc.source, exc.problem + (f"; {exc.hint}" if exc.hint else "")))
            continue
        if items and isinstance(items[0], str):  # why the attachment is not read
            note["read"] = items[0]
            continue
        note["read"] = "yes"
        for item in items:
            if isinstance(item, Document):
                item.meta.setdefault("message_origin", origin)
                if subject:
                    item.meta.setdefault("message_subject", subject)
                if item.published is None and published:
                    item.published = published
            found.append(item)
    if body:
        meta: dict = {"format": "email", "body": body_type}
        if notes:
            meta["attachments"] = notes
        yield Document.create(text=body, origin=origin, kind="news", title=subject or None,
                              published=published, meta=meta)
    elif not any(isinstance(item, Document) for item in found):
        raise ReadError(origin, "the message has no text and no attachment that could be read"
                        + (f" (attachments: {', '.join(n['type'] for n in notes)})" if notes else ""))
    yield from found


def _header(message: EmailMessage, name: str, origin: str) -> str:
    try:
        value = message.get(name)
    except (LookupError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise ReadError(origin, f"the {name.title()} header cannot be decoded ({type(exc).__name__}: {exc})") from None
    return " ".join(str(value).split()) if value is not None else ""


def _date(message: EmailMessage) -> str | None:
    raw = message.get("date")
    if raw is None:
        return None
    try:
        return parsedate_to_datetime(str(raw)).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None  # a wrong date would mislead extraction


def _body(message: EmailMessage, origin: str) -> tuple[str, str]:
    """The message's text: text/plain preferred, else text/html as text; ``("", "")`` when it has neither."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", ""
    text = _decode_part(part, origin, "the message text")
    if part.get_content_subtype() == "html":
        return _html_text(text), "html"
    return tidy(text), "plain"


def _decode_part(part: EmailMessage, origin: str, what: str) -> str:
    """A text part's content: its declared charset when the bytes fit, else detected; ReadError when nothing fits."""
    try:
        data = part.get_payload(decode=True) or b""
    except (ValueError, TypeError) as exc:
        raise ReadError(origin, f"{what} cannot be decoded from its transfer encoding ({exc})") from None
    declared = part.get_content_charset()
    try:
        text, _ = decode_declared(data, declared, origin)
    except ReadError as exc:
        said = f"declared as {declared}" if declared else "with no charset declared"
        raise ReadError(origin, f"{what} ({said}) is not text in any encoding recruitwatch knows: {exc.problem}",
                        "ask the sender to send it again, or save it as UTF-8 text") from None
    return text


def _html_text(markup: str) -> str:
    """Readable text of an HTML mail body: everything in the body (a mail has no navigation to drop)."""
    markup = _HTML_HEAD.sub(" ", markup)
    m = _HTML_BODY.search(markup)
    return fragment_to_text(m.group(1) if m else markup)


def _read_attachment(part: EmailMessage, name: str, origin: str, limits: Limits,
                     ocr_options: ocr.OcrOptions, depth: int) -> Iterator[Document | ReadFailure | str]:
    """Documents from one attachment, or a single string: why it is not read (not a report format)."""
    from recruitwatch.ingest import docx, html, image, pdf, text
    from recruitwatch.ingest.folder import detect_format

    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        if depth >= MAX_NESTING:
            yield f"not read: forwarded more than {MAX_NESTING} levels deep"
            return
        inner = part.get_content()
        if isinstance(inner, list):  # some parsers hand a list of one message
            inner = inner[0] if inner else None
        if not isinstance(inner, EmailMessage):
            raise ReadError(origin, "the forwarded message is not readable")
        yield from read_message(inner, origin, limits=limits, ocr_options=ocr_options, depth=depth + 1)
        return
    fmt, _ = detect_format(Path(name.replace("/", "_") or "attachment"))
    if fmt is None:
        fmt = {"application/pdf": "pdf", "text/plain": "text", "text/html": "html",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}.get(content_type)
        if fmt is None and content_type.startswith("image/"):
            fmt = "image"
    if fmt not in ("pdf", "docx", "text", "html", "image"):
        yield f"not read: {content_type} is not a report format"
        return
    if fmt == "image" and not ocr_options.folders:
        yield "not read: photos attached to mail are read by OCR only with --ocr"
        return
    try:
        data = part.get_payload(decode=True) or b""
    except (ValueError, TypeError) as exc:
        raise ReadError(origin, f"attachment cannot be decoded from its transfer encoding ({exc})") from None
    if not data.strip():
        raise ReadError(origin, "the attachment is empty")
    if len(data) > limits.file_bytes:
        raise ReadError(origin, f"the attachment is {human_size(len(data))}, above the "
                                f"{human_size(limits.file_bytes)} limit (file_bytes)")
    if fmt == "pdf":
        document = pdf.read_bytes(data, origin, limits=limits, ocr_options=ocr_options)
    elif fmt == "docx":
        document = docx.read_bytes(data, origin, limits=limits)
    elif fmt == "image":
        try:
            document = image.read_bytes(data, origin, limits=limits, ocr_options=ocr_options)
        except ReadError as exc:
            if not exc.problem.startswith(image.NO_TEXT):
                raise
            yield f"not read: {image.NO_TEXT} (a logo or a photo without print)"  # not a problem to report
            return
    elif fmt == "html":
        if len(data) > limits.page_bytes:
            raise html.page_too_large(origin, len(data), limits)
        document = html.document_from_html(data, origin, declared_charset=part.get_content_charset())
    else:
        document = text.document_from_text(_decode_part(part, origin, "the attachment"), origin)
    if name:
        document.meta["attachment_name"] = name
        document.title = document.title or name
    yield document
