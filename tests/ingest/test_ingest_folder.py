"""Folders: dispatch, skipping, batch failures, size limits, stable order and ids."""

import os
from pathlib import Path

from recruitwatch import ingest
from recruitwatch.ingest import list_files, list_skipped, read_source, read_sources


def test_a_bad_batch_reports_each_bad_file_and_reads_the_rest(batch_folder: Path, split):
    docs, failures = split(read_source(batch_folder))
    # good files: text (1), html (1), jsonl (3), rss (2), telegram channel (2)
    assert len(docs) == 9
    assert {d.meta["format"] for d in docs} == {"text", "html", "jsonl", "feed", "telegram"}
    problems = {Path(f.source).relative_to(batch_folder).as_posix(): f.problem for f in failures}
    assert problems.keys() == {"news/empty.txt", "news/junk.html", "news/broken_utf8.txt", "news/bad_feed.xml",
                               "telegram/broken/result.json", "scan.pdf", "truncated.pdf"}
    assert problems["news/empty.txt"] == "file is empty"
    assert problems["news/junk.html"] == "does not look like HTML: binary content"
    assert "not valid UTF-8" in problems["news/broken_utf8.txt"]
    assert problems["news/bad_feed.xml"].startswith("malformed feed")
    assert problems["telegram/broken/result.json"].startswith("broken Telegram export")
    assert problems["scan.pdf"].startswith("no text layer")  # OCR found nothing (or is not installed)
    assert "corrupt or truncated PDF" in problems["truncated.pdf"]


def test_unknown_types_are_skipped_not_failed(batch_folder: Path):
    skipped = {p.name: reason for p, reason in list_skipped(batch_folder)}
    # every skipped entry is listed, hidden ones too (a hidden folder once, not file by file)
    assert skipped.keys() == {"photo.jpg", "budget.xlsx", ".DS_Store", ".cache"}
    assert skipped[".DS_Store"] == "hidden file" and skipped[".cache"] == "hidden folder, not read"
    assert "--ocr" in skipped["photo.jpg"] and "papercheck" in skipped["photo.jpg"]
    assert skipped["budget.xlsx"].startswith("unsupported file type .xlsx")
    names = [p.name for p in list_files(batch_folder)]
    assert "hidden.txt" not in names and ".DS_Store" not in names and "photo.jpg" not in names


def test_list_files_is_stable_and_matches_reading_order(batch_folder: Path):
    files = list_files(batch_folder)
    assert files == list_files(batch_folder)
    assert [p.relative_to(batch_folder).as_posix() for p in files] == [
        "news/article_en.html", "news/bad_feed.xml", "news/broken_utf8.txt", "news/empty.txt",
        "news/en_warehouse_raid.txt", "news/feed.rss", "news/junk.html", "news/reports.jsonl",
        "scan.pdf", "telegram/broken/result.json", "telegram/result.json", "truncated.pdf",
    ]
    read_order = []
    for item in read_source(batch_folder):
        origin = getattr(item, "source", None) or item.origin
        path = origin.split("#", 1)[0]
        if path.startswith(str(batch_folder)) and (not read_order or read_order[-1] != path):
            read_order.append(path)
    assert read_order == [str(p.resolve()) for p in files if str(p.resolve()) in read_order]


def test_reading_a_folder_twice_gives_identical_ids(batch_folder: Path):
    first = [d.id for d in read_source(batch_folder) if not isinstance(d, ingest.ReadFailure)]
    second = [d.id for d in read_source(str(batch_folder)) if not isinstance(d, ingest.ReadFailure)]
    assert first == second
    assert len(set(first)) == len(first)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path, split):
    path = tmp_path / "dump.txt"
    with path.open("wb") as fh:  # sparse: takes no disk space
        fh.truncate(2_100_000_000)
    _, [failure] = split(read_source(path))
    assert failure.problem.startswith("file is 2.1 GB, above the 200 MB limit; raise it with --limit file_bytes=")
    assert failure.source == str(path.resolve())


def test_size_limit_can_be_lowered(fixtures, split):
    _, [failure] = split(read_source(fixtures / "article_en.html", max_bytes=1000))
    assert "above the 1 KB limit" in failure.problem


def test_missing_path_and_unsupported_file_named_directly(tmp_path: Path, split):
    odd = tmp_path / "contract.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    missing = tmp_path / "nope.txt"
    docs, failures = split(read_sources([missing, odd]))
    assert docs == []
    assert [f.problem.split(" (")[0] for f in failures] == ["no such file or folder", "unsupported file type .xlsx"]


def test_json_sniffing(tmp_path: Path, split, fixtures):
    (tmp_path / "export.json").write_bytes((fixtures / "telegram_channel" / "result.json").read_bytes())
    (tmp_path / "config.json").write_text('{"theme": "dark"}', encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<?xml version='1.0'?><urlset></urlset>", encoding="utf-8")
    docs, failures = split(read_source(tmp_path))
    assert failures == []
    assert {d.meta["format"] for d in docs} == {"telegram"}
    assert {p.name for p, _ in list_skipped(tmp_path)} == {"config.json", "sitemap.xml"}


def test_extensionless_files_are_sniffed(tmp_path: Path, fixtures, split):
    (tmp_path / "page").write_bytes((fixtures / "article_en.html").read_bytes())
    (tmp_path / "README").write_text("just notes", encoding="utf-8")
    docs, failures = split(read_source(tmp_path))
    assert [d.meta["format"] for d in docs] == ["html"] and failures == []
    assert [p.name for p, _ in list_skipped(tmp_path)] == ["README"]


def test_unreadable_file_in_folder(tmp_path: Path, fixtures, split):
    good = tmp_path / "a.txt"
    good.write_bytes((fixtures / "en_warehouse_raid.txt").read_bytes())
    link = tmp_path / "b.txt"
    link.symlink_to(tmp_path / "gone.txt")  # a broken link
    docs, failures = split(read_source(tmp_path))
    assert len(docs) == 1 and failures == []
    assert [p.name for p, _ in list_skipped(tmp_path)] == ["b.txt"]
    if os.geteuid() != 0:  # root can read anything
        locked = tmp_path / "c.txt"
        locked.write_text("secret", encoding="utf-8")
        locked.chmod(0)
        _, [failure] = split(read_source(locked))
        assert "could not read the file" in failure.problem
