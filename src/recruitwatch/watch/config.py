"""The watcher's configuration: one TOML file (see examples/watch.toml and docs/watch.md).

Every mistake is a :class:`recruitwatch.errors.ConfigError` naming the file and the setting.
Secrets are never written in the file: the SMTP password and the webhook's signing secret are
read from environment variables whose *names* the file gives (``password_env``, ``secret_env``).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from recruitwatch.errors import ConfigError

KINDS = ("feed", "page", "sitemap", "folder")
DEFAULT_INTERVAL = 3600.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.I)
_UNITS = {None: 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Source:
    """One watched source: a feed, an article page, a sitemap or a folder, polled every ``interval`` s."""

    kind: str
    location: str  # a URL, or an absolute folder path
    interval: float
    name: str | None = None
    max_pages: int = 50  # sitemaps: pages fetched per poll (newest first); the rest wait for the next poll

    @property
    def key(self) -> str:
        """Its identity in the store: kind and location (renaming a source keeps its state)."""
        return f"{self.kind}:{self.location}"

    @property
    def label(self) -> str:
        return f'{self.kind} "{self.name}"' if self.name else f"{self.kind} {self.location}"


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    secret_env: str | None = None  # the environment variable holding the HMAC-SHA256 secret
    timeout: float = 10.0
    retries: int = 3  # attempts after the first one, within one delivery
    retry_delay: float = 2.0  # seconds before the first retry; doubles each time

    def secret(self) -> bytes | None:
        return _env_secret(self.secret_env, "notify.webhook.secret_env")

    @property
    def host(self) -> str:
        """For logs: the host only (a webhook URL often carries a token in its path)."""
        return urlsplit(self.url).hostname or "?"


@dataclass(frozen=True, slots=True)
class Email:
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 587
    starttls: bool = True
    ssl: bool = False  # implicit TLS (port 465) instead of STARTTLS
    username: str | None = None
    password_env: str | None = None
    timeout: float = 30.0

    def password(self) -> str | None:
        secret = _env_secret(self.password_env, "notify.email.password_env")
        return secret.decode() if secret is not None else None


@dataclass(frozen=True, slots=True)
class Notify:
    mode: str = "poll"  # "poll": after every round of polls; "digest": at most every digest_hours
    digest_hours: float = 24.0
    webhook: Webhook | None = None
    email: Email | None = None

    @property
    def channels(self) -> list[str]:
        return [name for name, value in (("webhook", self.webhook), ("email", self.email)) if value is not None]


@dataclass(frozen=True, slots=True)
class WatchConfig:
    path: Path
    sources: tuple[Source, ...]
    notify: Notify = field(default_factory=Notify)
    retry_after: float = 60.0  # first wait after a failure; doubles with each failure in a row
    max_backoff: float = 6 * 3600.0  # the longest wait after failures


def load_config(path: str | os.PathLike) -> WatchConfig:
    """Read and check a watch TOML file; ConfigError naming the file and the setting otherwise."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: could not read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict, path: Path) -> WatchConfig:
    check = _Checker(path)
    check.keys(raw, "", {"watch", "notify", "source"})
    general = check.table(raw, "watch")
    check.keys(general, "watch", {"interval", "retry_after", "max_backoff"})
    default_interval = check.duration(general, "watch", "interval", DEFAULT_INTERVAL)
    sources_raw = raw.get("source", [])
    if not isinstance(sources_raw, list) or not sources_raw:
        raise check.error("source", "add at least one [[source]] with feed, page, sitemap or folder")
    sources: list[Source] = []
    for index, item in enumerate(sources_raw, start=1):
        where = f"source #{index}"
        if not isinstance(item, dict):
            raise check.error(where, "must be a table ([[source]])")
        check.keys(item, where, {*KINDS, "name", "interval", "max_pages"})
        kinds = [k for k in KINDS if k in item]
        if len(kinds) != 1:
            raise check.error(where, "needs exactly one of feed, page, sitemap or folder"
                              + (f" (found {', '.join(kinds)})" if kinds else ""))
        kind = kinds[0]
        location = item[kind]
        if not isinstance(location, str) or not location.strip():
            raise check.error(f"{where}.{kind}", "must be a non-empty string")
        location = location.strip()
        if kind == "folder":
            location = os.path.abspath(os.path.expanduser(location if os.path.isabs(location)
                                                          else os.path.join(path.parent, location)))
        elif not location.lower().startswith(("http://", "https://")):
            raise check.error(f"{where}.{kind}", f"{location!r} is not an http(s) URL")
        name = item.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise check.error(f"{where}.name", "must be a non-empty string")
        max_pages = check.integer(item, where, "max_pages", 50)
        sources.append(Source(kind, location, check.duration(item, where, "interval", default_interval),
                              name.strip() if name else None, max_pages))
    keys = [s.key for s in sources]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise check.error("source", f"{duplicates[0]} is listed twice")
    return WatchConfig(path, tuple(sources), _notify(check, check.table(raw, "notify")),
                       check.duration(general, "watch", "retry_after", 60.0),
                       check.duration(general, "watch", "max_backoff", 6 * 3600.0))


def _notify(check: _Checker, raw: dict) -> Notify:
    check.keys(raw, "notify", {"mode", "digest_hours", "webhook", "email"})
    mode = raw.get("mode", "poll")
    if mode not in ("poll", "digest"):
        raise check.error("notify.mode", f"{mode!r}: use \"poll\" (after every round) or \"digest\"")
    digest_hours = check.number(raw, "notify", "digest_hours", 24.0)
    webhook = email = None
    if "webhook" in raw:
        hook = check.table(raw, "notify.webhook")
        check.keys(hook, "notify.webhook", {"url", "secret_env", "timeout", "retries", "retry_delay", "secret"})
        if "secret" in hook:
            raise check.error("notify.webhook.secret", "never write the secret in the file: put it in an environment "
                              "variable and name that variable in secret_env")
        url = hook.get("url")
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise check.error("notify.webhook.url", "needs an http(s) URL")
        webhook = Webhook(url, check.env_name(hook, "notify.webhook", "secret_env"),
                          check.number(hook, "notify.webhook", "timeout", 10.0),
                          check.integer(hook, "notify.webhook", "retries", 3, minimum=0),
                          check.number(hook, "notify.webhook", "retry_delay", 2.0, minimum=0.0))
    if "email" in raw:
        mail = check.table(raw, "notify.email")
        where = "notify.email"
        check.keys(mail, where, {"host", "port", "starttls", "ssl", "username", "password_env", "from", "to",
                                 "timeout", "password"})
        if "password" in mail:
            raise check.error(f"{where}.password", "never write the password in the file: put it in an "
                              "environment variable and name that variable in password_env")
        host, sender, to = mail.get("host"), mail.get("from"), mail.get("to")
        if not isinstance(host, str) or not host.strip():
            raise check.error(f"{where}.host", "needs the SMTP server's host name")
        if not isinstance(sender, str) or "@" not in sender:
            raise check.error(f"{where}.from", "needs the sender's address")
        if isinstance(to, str):
            to = [to]
        if not isinstance(to, list) or not to or not all(isinstance(a, str) and "@" in a for a in to):
            raise check.error(f"{where}.to", "needs one address or a list of addresses")
        starttls, ssl = mail.get("starttls", not mail.get("ssl", False)), mail.get("ssl", False)
        if not isinstance(starttls, bool) or not isinstance(ssl, bool):
            raise check.error(where, "starttls and ssl are true or false")
        username = mail.get("username")
        if username is not None and not isinstance(username, str):
            raise check.error(f"{where}.username", "must be a string")
        password_env = check.env_name(mail, where, "password_env")
        if username and not password_env:
            raise check.error(f"{where}.password_env", "a username needs the name of the environment variable "
                              "holding its password")
        email = Email(host.strip(), sender, tuple(to), check.integer(mail, where, "port", 465 if ssl else 587),
                      starttls and not ssl, ssl, username, password_env, check.number(mail, where, "timeout", 30.0))
    return Notify(mode, digest_hours, webhook, email)


def _env_secret(name: str | None, setting: str) -> bytes | None:
    if not name:
        return None
    value = os.environ.get(name)
    if not value:
        raise ConfigError(f"{setting} names ${name}, which is not set (or empty)")
    return value.encode()


def parse_duration(value: object) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"6h"``, ``"1d"``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _DURATION.match(str(value))
        if not m:
            raise ValueError(value)
        seconds = float(m.group(1)) * _UNITS[(m.group(2) or "").lower() or None]
    if seconds <= 0:
        raise ValueError(value)
    return seconds


class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def error(self, where: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}: {problem}")

    def keys(self, table: dict, where: str, allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.error(where or "top level", f"unknown setting {unknown[0]!r} (known: {', '.join(sorted(allowed))})")

    def table(self, raw: dict, name: str) -> dict:
        value = raw.get(name.rsplit(".", 1)[-1], {})
        if not isinstance(value, dict):
            raise self.error(name, "must be a table")
        return value

    def duration(self, table: dict, where: str, key: str, default: float) -> float:
        if key not in table:
            return default
        try:
            return parse_duration(table[key])
        except ValueError:
            raise self.error(f"{where}.{key}", f"{table[key]!r} is not a duration (e.g. 90, \"90s\", \"15m\", "
                             "\"6h\", \"1d\")") from None

    def number(self, table: dict, where: str, key: str, default: float, minimum: float = 0.001) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            raise self.error(f"{where}.{key}", f"{value!r} must be a number of at least {minimum:g}")
        return float(value)

    def integer(self, table: dict, where: str, key: str, default: int, minimum: int = 1) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(f"{where}.{key}", f"{value!r} must be a whole number of at least {minimum}")
        return value

    def env_name(self, table: dict, where: str, key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _ENV_NAME.match(value):
            raise self.error(f"{where}.{key}", f"{value!r} is not an environment variable name")
        return value
