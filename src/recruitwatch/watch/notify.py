"""Tell people about new relevant incidents: a webhook (JSON POST, HMAC-SHA256 signed) and email (SMTP).

The watcher queues each new incident once per channel in the store's outbox
(:mod:`recruitwatch.store.watch`); :func:`deliver` sends what is pending for one channel as ONE
message (a per-poll message or a digest) and marks it sent only when the channel accepted it, so
a failed delivery is tried again at the next round, after a restart too.

* **Webhook**: ``POST`` of :func:`payload` as JSON (UTF-8) with ``Content-Type: application/json``;
  with a secret, the header ``X-Recruitwatch-Signature: sha256=<hex HMAC-SHA256 of the body>``.
  A timeout per attempt; a network error or a 5xx/429 answer is retried (``retries`` times,
  the delay doubling); another 4xx is not (the request itself is wrong).
* **Email**: smtplib, STARTTLS (default) or implicit TLS, login with the password from the
  environment variable named in the file; a plain-text message listing the incidents.

Secrets (the webhook secret, the SMTP password) are never logged nor put in error messages.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from recruitwatch import __version__
from recruitwatch.errors import ConfigError
from recruitwatch.watch.config import Email, Notify, Webhook

log = logging.getLogger("recruitwatch.watch")
SIGNATURE_HEADER = "X-Recruitwatch-Signature"
MAX_PER_MESSAGE = 200  # a larger backlog goes out in several messages, oldest first
MAX_MESSAGES_PER_ROUND = 20  # per channel; a bigger backlog goes on at the next round


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one delivery attempt did, for the log line."""

    channel: str
    sent: int = 0
    error: str | None = None


def signature(secret: bytes, body: bytes) -> str:
    """The value of the signature header: ``sha256=`` and the hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def incident_entry(store, incident, source_names: dict[str, str]) -> dict:
    """One incident as the webhook and the email show it: codes, labels, the report it comes from."""
    from recruitwatch.taxonomy import label
    from recruitwatch.taxonomy.places import place_name

    doc = store.get_document(incident.document_id)
    confidential = (incident.sensitivity or "normal") != "normal"
    return {
        "id": incident.id,
        "case_id": incident.case_id or incident.id,
        "date": incident.date,
        "places": [{"code": c, "name": place_name(c)} for c in incident.places],
        "nationalities": list(incident.nationalities),
        "status": incident.status,
        "actors": list(incident.actors),
        "tactics": [{"code": c, "label": label("tactics", c)} for c in incident.tactics],
        "outcome": incident.outcome,
        "count": incident.count,
        "verification": incident.verification,
        "confidence": incident.confidence,
        "summary": None if confidential else incident.summary,
        "report": {
            "document_id": incident.document_id,
            "title": doc.title if doc else None,
            "url": doc.url if doc else None,
            "outlet": doc.outlet if doc else None,
            "published": doc.published if doc else None,
            "lang": doc.lang if doc else None,
        },
        "watch_source": source_names.get(incident.id),
    }


def payload(entries: list[dict], *, digest: bool, now: datetime | None = None) -> dict:
    return {"event": "recruitwatch.new_incidents", "digest": digest,
            "generated_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
            "count": len(entries), "incidents": entries}


def send_webhook(hook: Webhook, body_json: dict) -> None:
    """POST with retries; raises OSError with a message free of secrets when every attempt failed."""
    body = json.dumps(body_json, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"recruitwatch/{__version__}"}
    secret = hook.secret()
    if secret is not None:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    delay, problem = hook.retry_delay, ""
    for attempt in range(hook.retries + 1):
        if attempt:
            time.sleep(delay)
            delay *= 2
        try:
            request = urllib.request.Request(hook.url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=hook.timeout) as response:
                response.read(65536)
            return
        except urllib.error.HTTPError as exc:
            problem = f"the webhook at {hook.host} answered HTTP {exc.code}"
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                break  # the request itself is refused: retrying will not help
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            problem = f"could not reach the webhook at {hook.host}: {type(reason).__name__}: {reason}"
    raise OSError(f"{problem} (after {attempt + 1} attempt{'s' if attempt else ''})")


def send_email(mail: Email, entries: list[dict], *, digest: bool) -> None:
    message = EmailMessage()
    count = len(entries)
    message["Subject"] = (f"recruitwatch: {count} new incident{'s' if count != 1 else ''}"
                          + (" (digest)" if digest else ""))
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.to)
    message.set_content(email_text(entries))
    password = mail.password()
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if mail.ssl else smtplib.SMTP
    kwargs = {"context": context} if mail.ssl else {}
    try:
        with smtp_class(mail.host, mail.port, timeout=mail.timeout, **kwargs) as smtp:
            if mail.starttls:
                smtp.starttls(context=context)
            if mail.username:
                smtp.login(mail.username, password or "")
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise OSError(f"the SMTP server {mail.host}:{mail.port} refused the login of {mail.username!r} "
                      f"(code {exc.smtp_code})") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise OSError(f"could not send email through {mail.host}:{mail.port}: {type(exc).__name__}: "
                      f"{_first_line(exc)}") from None


def email_text(entries: list[dict]) -> str:
    lines = [f"{len(entries)} new incident{'s' if len(entries) != 1 else ''} found by recruitwatch watch.", ""]
    for number, e in enumerate(entries, start=1):
        report = e["report"]
        lines.append(f"{number}. {report['title'] or '(untitled report)'}")
        facts = [
            ("date", e["date"]),
            ("places", ", ".join(p["name"] for p in e["places"])),
            ("nationalities", ", ".join(e["nationalities"])),
            ("tactics", ", ".join(t["label"] for t in e["tactics"])),
            ("outcome", e["outcome"] if e["outcome"] != "unknown" else None),
            ("source", " · ".join(x for x in (report["outlet"], report["published"], report["url"]) if x)),
            ("summary", e["summary"]),
            ("incident", f"{e['id']} (case {e['case_id']}, {e['verification']})"),
        ]
        lines += [f"   {name}: {value}" for name, value in facts if value]
        lines.append("")
    lines.append("Machine-extracted: check each incident against its sources before relying on it "
                 "(recruitwatch incidents show ID).")
    return "\n".join(lines)


def due(store, notify: Notify, channel: str, now: datetime) -> bool:
    """Whether ``channel`` should send now: always in ``poll`` mode; in ``digest`` mode when
    ``digest_hours`` have passed since its last message (or since the oldest pending incident)."""
    if notify.mode != "digest":
        return True
    anchor = store.last_notice_sent(channel)
    if anchor is None:
        pending = store.pending_notices(channel, limit=1)
        if not pending:
            return False
        anchor = pending[0].queued_at
    return (now - anchor).total_seconds() >= notify.digest_hours * 3600


def deliver(store, notify: Notify, channel: str, *, now: datetime | None = None,
            source_names: dict[str, str] | None = None) -> Delivery:
    """Send what is pending for ``channel`` when it is due (in messages of at most ``MAX_PER_MESSAGE``
    incidents), and record the outcome in the outbox. Stops at the first failed message: what it
    held stays pending for the next round."""
    now = now or datetime.now(UTC)
    if not due(store, notify, channel, now):
        return Delivery(channel)
    sent = 0
    for _ in range(MAX_MESSAGES_PER_ROUND):
        pending = store.pending_notices(channel, limit=MAX_PER_MESSAGE)
        if not pending:
            break
        try:
            sent += _send_one(store, notify, channel, pending, now, source_names or {})
        except (OSError, ConfigError) as exc:
            return Delivery(channel, sent, str(exc))
    return Delivery(channel, sent)


def _send_one(store, notify: Notify, channel: str, pending: list, now: datetime, names: dict[str, str]) -> int:
    entries, gone = [], []
    for notice in pending:
        incident = store.get_incident(notice.incident_id)
        if incident is None:
            gone.append(notice.pk)  # removed since (re-extraction): nothing to tell
            continue
        entries.append(incident_entry(store, incident, {incident.id: names.get(notice.source_key, notice.source_key)}))
    if gone:
        store.mark_notices(gone, sent=True)
    if not entries:
        return 0
    digest = notify.mode == "digest"
    delivered = [n.pk for n in pending if n.pk not in gone]
    try:
        if channel == "webhook":
            assert notify.webhook is not None
            send_webhook(notify.webhook, payload(entries, digest=digest, now=now))
        else:
            assert notify.email is not None
            send_email(notify.email, entries, digest=digest)
    except (OSError, ConfigError) as exc:
        store.mark_notices(delivered, sent=False, error=str(exc))
        raise
    store.mark_notices(delivered, sent=True)
    return len(entries)


def _first_line(exc: object) -> str:
    text = str(exc).strip()
    return (text.splitlines() or ["unknown error"])[0][:300]
