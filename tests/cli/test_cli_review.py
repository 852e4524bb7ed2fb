"""Users, review and audit from the command line, as an analyst would use them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from recruitwatch.cli import _register, app

_register()
runner = CliRunner()
pytestmark = pytest.mark.issue(9)
PASSWORD = "a long enough passphrase"

REPORT = """Рейд в Москве

12 октября 2023 года уроженца Худжанда, работавшего в Москве по патенту, задержали сотрудники полиции
во время рейда на овощной базе. В отделе у него забрали паспорт и потребовали подписать контракт с
Минобороны, угрожая депортацией. Мужчина отказался подписывать документы.
"""


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "ru.txt").write_text(REPORT, encoding="utf-8")
    (folder / "junk.pdf").write_bytes(b"%PDF-1.4 broken")
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    run("ingest", str(folder), "--db", url)
    return url


def first_id(db):
    return json.loads(run("incidents", "list", "--db", db, "--format", "json").stdout)[0]["id"]


def test_users_first_run_add_list_roles_and_tokens(db):
    assert "recruitwatch users add NAME --role admin" in run("users", "--db", db).output
    added = run("users", "add", "root", "--role", "admin", "--password-stdin", "--db", db, input=PASSWORD + "\n")
    assert added.exit_code == 0 and "Added root (admin)" in added.output
    prompted = run("users", "add", "ann", "--role", "viewer", "--db", db, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0
    mismatch = run("users", "add", "bob", "--role", "viewer", "--db", db, input=f"{PASSWORD}\nother one!!\n")
    assert mismatch.exit_code == 2 and "differ" in mismatch.output
    assert run("users", "add", "bob", "--role", "boss", "--password-stdin", "--db", db, input=PASSWORD).exit_code == 2
    assert "No user exists" not in run("users", "--db", db).output
    assert run("users", "set-role", "ann", "reviewer", "--db", db).exit_code == 0
    listed = json.loads(run("users", "list", "--db", db, "--json").stdout)
    assert [(u["username"], u["role"]) for u in listed] == [("ann", "reviewer"), ("root", "admin")]
    token = run("users", "token", "ann", "--db", db)
    assert token.exit_code == 0
    from recruitwatch.store import open_store

    with open_store(db) as store:
        assert store.user_for_token(token.stdout.strip()).username == "ann"
    assert "it works until" in token.stderr and "UTC" in token.stderr
    forever = run("users", "token", "ann", "--days", "0", "--db", db)
    assert forever.exit_code == 0 and "it never expires" in forever.stderr
    listed = json.loads(run("users", "token", "ann", "--list", "--json", "--db", db).stdout)
    assert len(listed) == 2 and {t["expires_at"] is None for t in listed} == {True, False}
    assert token.stdout.strip() not in json.dumps(listed)
    table = run("users", "token", "ann", "--list", "--db", db).stdout
    assert "never" in table and listed[0]["id"] in table
    assert run("users", "token", "ann", "--list", "--revoke", "--db", db).exit_code == 2
    assert run("users", "disable", "ann", "--db", db).exit_code == 0
    assert run("users", "disable", "root", "--db", db).exit_code == 3  # the last admin


def test_review_from_the_command_line(db):
    run("users", "add", "rev", "--role", "reviewer", "--password-stdin", "--db", db, input=PASSWORD)
    run("users", "add", "ana", "--role", "analyst", "--password-stdin", "--db", db, input=PASSWORD)
    iid = first_id(db)
    denied = run("incidents", "edit", iid, "outcome", "refused", "--as", "rev", "--db", db)
    assert denied.exit_code == 3 and "may not edit" in denied.output
    edited = run("incidents", "edit", iid[:10], "outcome", "refused", "--evidence", "Мужчина отказался подписывать",
                 "--as", "ana", "--db", db)
    assert edited.exit_code == 0, edited.output
    bad = run("incidents", "edit", iid, "tactics", "bribery", "--as", "ana", "--db", db)
    assert bad.exit_code == 2 and "raid_or_document_check" in bad.output
    stale = run("incidents", "verify", iid, "--expect-version", "1", "--as", "rev", "--db", db)
    assert stale.exit_code == 3 and "someone else changed incident" in stale.output
    assert run("incidents", "verify", iid, "--note", "called", "--as", "rev", "--db", db).exit_code == 0
    history = json.loads(run("incidents", "history", iid, "--db", db, "--json").stdout)
    assert [(e["action"], e["actor"]) for e in history] == [("verify", "rev"), ("edit", "ana")]
    assert json.loads(run("incidents", "queue", "--db", db, "--json").stdout) == []
    shown = json.loads(run("incidents", "list", "--db", db, "--json").stdout)[0]
    assert (shown["outcome"], shown["verification"], shown["version"]) == ("refused", "verified", 3)
    audit = run("audit", "verify", "--db", db)
    assert audit.exit_code == 0 and "intact" in audit.output
    assert json.loads(run("audit", "list", "--db", db, "--target", iid, "--json").stdout)[0]["action"] == "verify"


def test_audit_verify_reports_tampering(db):
    run("incidents", "accept", first_id(db), "--db", db)
    from recruitwatch.store import open_store

    with open_store(db) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'someone' WHERE seq = 1")
    result = run("audit", "verify", "--db", db, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["break"] == {"seq": 1, "problem": "altered",
                                                  "detail": json.loads(result.stdout)["break"]["detail"]}


def test_incidents_list_formats_names_and_counts(db):
    table = run("incidents", "list", "--db", db)
    assert table.exit_code == 0
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    assert "RU-MOW Moscow" in table.stdout and "Рейд в Москве" in table.stdout and "1 incident (cases)" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("incidents", "list", "--db", db, "--format", "csv").stdout)))
    assert rows[0]["places"] == "RU-MOW" and rows[0]["title"] == "Рейд в Москве"
    lines = run("incidents", "list", "--db", db, "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["place_names"] == ["RU-MOW Moscow"]
    for name in ("Moscow", "Москва", "ru-mow", "RU"):
        assert len(json.loads(run("incidents", "list", "--db", db, "--place", name, "--json").stdout)) == 1, name
    for name in ("Tajikistan", "Таджикистан", "tajik", "TJ"):
        assert len(json.loads(run("incidents", "list", "--db", db, "--nationality", name, "--json").stdout)) == 1, name
    unknown = run("incidents", "list", "--db", db, "--place", "Moscw")
    assert unknown.exit_code == 2 and "RU-MOW (Moscow)" in " ".join(unknown.output.split())
    assert run("incidents", "list", "--db", db, "--nationality", "Uzbekistan", "--json").stdout.strip() == "[]"
    summary = run("summary", "--db", db, "--place", "Москва", "--by", "place")
    assert summary.exit_code == 0 and "RU-MOW Moscow" in summary.stdout


def test_documents_failures_lists_what_could_not_be_read(db):
    result = run("documents", "failures", "--db", db, "--json")
    assert [r["source"].endswith("junk.pdf") for r in json.loads(result.stdout)] == [True]
    assert "could not be read" in run("documents", "failures", "--db", db).stdout


def test_merge_and_split_are_audited(db, tmp_path):
    other = tmp_path / "more"
    other.mkdir()
    (other / "en.txt").write_text("Police in Moscow detained a Tajik migrant on 12 October 2023 during a raid at a "
                                  "vegetable warehouse and pressed him to sign a military contract; he refused.\n",
                                  encoding="utf-8")
    run("ingest", str(other), "--db", db)
    ids = [r["id"] for r in json.loads(run("incidents", "list", "--db", db, "--reports", "--json").stdout)]
    assert len(ids) == 2
    run("incidents", "split", ids[0], "--db", db)  # may be alone already: an error then, and no entry
    assert run("incidents", "merge", ids[0], ids[1], "--db", db).exit_code == 0
    assert any(e["action"] == "merge" for e in json.loads(run("audit", "list", "--db", db, "--json").stdout))


@pytest.mark.parametrize("command", [
    "users", "users add", "users list", "users disable", "users enable", "users set-role", "users set-language",
    "users set-password", "users token", "incidents edit", "incidents verify", "incidents dispute",
    "incidents reject", "incidents accept", "incidents history", "incidents queue", "incidents merge",
    "incidents split", "incidents list", "audit verify", "audit list", "documents failures", "summary",
])
def test_every_command_says_what_it_does(command):
    result = run(*command.split(), "--help")
    assert result.exit_code == 0 and "Usage" in result.output
    assert len(result.output.split("Usage", 1)[1].split("Options")[0]) > 60  # a description, not just usage
