"""`recruitwatch keys`, `testimony` and `people delete`, driven as a documenter would."""

from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from recruitwatch.cli import _register, app

pytestmark = pytest.mark.issue(10)

_register()
runner = CliRunner()

TESTIMONY = ("Меня зовут Алишер. 12 марта 2024 года в Москве полиция задержала нас на стройке и отвезла в военкомат, "
             "где заставили подписать контракт с Минобороны.")


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.delenv("RECRUITWATCH_MASTER_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("RECRUITWATCH_KEY_FILE", str(tmp_path / "master.key"))
    monkeypatch.setenv("RECRUITWATCH_DATABASE_URL", str(tmp_path / "store.db"))
    assert run("init").exit_code == 0
    return tmp_path


def test_without_a_key_the_commands_say_how_to_make_one(env):
    (env / "t.txt").write_text(TESTIMONY, encoding="utf-8")
    result = run("testimony", "add", "--text-file", str(env / "t.txt"), "--name", "A", "--consent", "yes")
    assert result.exit_code == 3 and "keys init" in result.output


def test_a_documenter_records_reads_and_deletes_a_testimony(env):
    assert run("keys", "init").exit_code == 0
    assert stat.S_IMODE((env / "master.key").stat().st_mode) == 0o600
    again = run("keys", "init")
    assert again.exit_code == 3 and "refusing to overwrite" in again.output
    (env / "t.txt").write_text(TESTIMONY, encoding="utf-8")
    (env / "scan.jpg").write_bytes(b"\xff\xd8scan")
    added = run("testimony", "add", "--text-file", str(env / "t.txt"), "--name", "Алишер Каримов",
                "--contact", "+998901234567", "--birth-date", "1990-01-02", "--address", "Ташкент",
                "--consent", "publish without name", "--attach", str(env / "scan.jpg"))
    assert added.exit_code == 0, added.output
    doc_id = added.output.split("Stored testimony ")[1].split()[0]
    shown = json.loads(run("testimony", "show", doc_id, "--json").output)
    assert shown["text"] == TESTIMONY and shown["person"]["name"] == "Алишер Каримов"
    assert shown["attachments"] == [{"name": "scan.jpg", "bytes": 6}]
    assert any(e["text"] == "Москве" for i in shown["incidents"] for e in i["evidence"])
    saved = run("testimony", "show", doc_id, "--save-attachments", str(env / "out"))
    assert saved.exit_code == 0 and (env / "out" / "01-scan.jpg").read_bytes() == b"\xff\xd8scan"
    assert "Алишер" not in run("documents", "show", doc_id).output  # a placeholder without the key
    status = json.loads(run("keys", "status", "--json").output)
    assert status["people"] == 1 and sum(status["wrapped_by"].values()) == 1
    rotated = run("keys", "rotate")
    assert rotated.exit_code == 0 and "1 data keys re-wrapped" in rotated.output
    person = shown["person_id"]
    refused = run("people", "delete", person, input="n\n")
    assert refused.exit_code != 0 and "Nothing deleted" in refused.output
    deleted = run("people", "delete", person, "--yes")
    assert deleted.exit_code == 0 and "data key destroyed" in deleted.output and "rotated" in deleted.output
    gone = run("testimony", "show", doc_id)
    assert gone.exit_code == 3 and "destroyed" in gone.output


def test_fields_may_come_from_a_json_file(env):
    run("keys", "init")
    (env / "t.json").write_text(json.dumps({"text": TESTIMONY, "name": "Б", "contacts": "tg:@b",
                                            "consent": "research only"}), encoding="utf-8")
    added = run("testimony", "add", "--json-file", str(env / "t.json"))
    assert added.exit_code == 0, added.output
    doc_id = added.output.split("Stored testimony ")[1].split()[0]
    shown = json.loads(run("testimony", "show", doc_id, "--json").output)
    assert shown["person"]["contacts"] == ["tg:@b"] and shown["person"]["consent"] == "research only"
