"""Telegram Desktop JSON exports."""

import json
from pathlib import Path

from recruitwatch.ingest import read_source
from recruitwatch.ingest.telegram import flatten_text


def test_channel_export(fixtures, split):
    docs, failures = split(read_source(fixtures / "telegram_channel" / "result.json"))
    assert failures == []
    # message 1 is a service message, message 4 a photo without caption: both skipped
    assert [d.meta["message_id"] for d in docs] == [2, 3]
    first, second = docs
    assert first.kind == "social"
    assert first.origin == first.url == "https://t.me/migration_watch_example/2"
    assert first.published == "2023-03-02"
    assert first.outlet == "Миграционный дозор"
    assert second.text.startswith("Важно: если вам предлагают подписать контракт")
    assert "+7 900 000-00-00" in second.text


def test_group_without_username_uses_file_origin_and_keeps_no_sender(tmp_path: Path, split):
    export = {"name": "Помощь мигрантам", "type": "private_supergroup", "id": 55, "messages": [
        {"id": 10, "type": "message", "date": "2024-01-09T21:14:00", "from": "Dilshod K.",
         "from_id": "user123", "text": "Брата забрали из общежития в военкомат, что делать?"},
        {"id": 11, "type": "message", "date": "2024-01-09T21:20:00", "from": "Admin", "text": "   "},
    ]}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    [doc], failures = split(read_source(path))
    assert failures == []
    assert doc.origin == f"{path.resolve()}#message-10"
    assert doc.url is None
    assert doc.author is None
    assert "Dilshod" not in json.dumps(doc.to_dict(), ensure_ascii=False)


def test_full_account_export(tmp_path: Path, split):
    export = {"about": "export", "chats": {"about": "chats", "list": [
        {"name": "Channel A", "type": "public_channel", "id": 1, "messages": [
            {"id": 5, "type": "message", "date": "2023-05-01T10:00:00", "text": "Повестки раздают у МФЦ."}]},
        {"name": "Chat B", "type": "personal_chat", "id": 2, "messages": [
            {"id": 5, "type": "message", "date": "2023-05-02T10:00:00", "text": "Recruiters at the market today."}]},
    ]}}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    docs, _ = split(read_source(path))
    assert [d.origin.rsplit("#", 1)[1] for d in docs] == ["chat-1/message-5", "chat-2/message-5"]


def test_broken_export_names_the_file(tmp_path: Path, split):
    path = tmp_path / "result.json"
    path.write_bytes(b'{"name": "chat", "type": "private_group", "messages": [{"id": 1, "text": "cut')
    docs, [failure] = split(read_source(path))
    assert docs == []
    assert failure.source == str(path.resolve())
    assert failure.problem.startswith("broken Telegram export: not valid JSON")


def test_export_without_messages(tmp_path: Path, split):
    path = tmp_path / "export.json"
    path.write_text('{"name": "x", "type": "public_channel", "chats": 3}', encoding="utf-8")
    _, [failure] = split(read_source(path))
    assert 'no "messages" list' in failure.problem


def test_flatten_text_forms():
    assert flatten_text("plain") == "plain"
    assert flatten_text(["a ", {"type": "bold", "text": "b"}, {"type": "x"}, 3, " c"]) == "a b c"
    assert flatten_text(None) == ""
