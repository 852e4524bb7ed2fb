"""Hostile inputs, one at a time: outcome, wall time and peak memory (the table in docs/limits.md).

Every input is made at run time (tests/hostile/hostile_files.py) and run through a fresh
process: `recruitwatch ingest` (one file per run, a fresh SQLite file), `recruitwatch papercheck`,
or the web upload (FastAPI's in-process client). Peak memory is that process's ru_maxrss.

    .venv/bin/python bench/bench_hostile.py            # prints a Markdown table
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

import hostile_files as hf  # noqa: E402

PYTHON = sys.executable


def ingest_row(folder: Path, case, workdir: Path) -> tuple[str, str, str, float, float]:
    db = workdir / f"{case.name}.db"
    source = folder / case.name
    if case.kind == "skipped":  # skipped files are listed when a folder is ingested
        single = workdir / f"only-{case.name}"
        single.mkdir()
        os.rename(source, single / case.name) if not source.is_symlink() else os.symlink(case.name, single / case.name)
        source = single
    run = hf.run_measured([PYTHON, "-m", "recruitwatch", "ingest", str(source), "--db", str(db), "--json"])
    summary = json.loads(run.stdout) if run.stdout.strip() else {}
    reasons = [f["problem"] for f in summary.get("failures", [])] + [s["reason"] for s in summary.get("skipped_files", [])]
    stored = summary.get("new", 0)
    outcome = ("; ".join(sorted(set(reasons)))[:150] or "read") + (f" — {stored} good document(s) stored" if stored else "")
    return case.what, "ingest", outcome, run.seconds, run.peak_mb


def papercheck_rows(workdir: Path) -> list[tuple[str, str, str, float, float]]:
    papers = {
        "truncated PDF": ("truncated.pdf", hf.truncated_pdf()),
        "encrypted PDF (user password)": ("encrypted.pdf", hf.encrypted_pdf()),
        "PDF of 10,000 pages (1.6 MB)": ("pages.pdf", hf.pdf_with_pages(10_000)),
        "PNG of 890 KB, 30000x30000 pixels": ("bomb.png", hf.png_bomb()),
        "PDF of 890 KB, one 30000x30000 image": ("image-bomb.pdf", hf.pdf_image_bomb()),
        "random bytes named .jpg": ("junk.jpg", os.urandom(4096)),
    }
    rows = []
    for what, (name, data) in papers.items():
        path = workdir / name
        path.write_bytes(data)
        run = hf.run_measured([PYTHON, "-m", "recruitwatch", "papercheck", str(path), "--json"])
        lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        errors = [line["error"].split(": ", 1)[1] for line in lines if line.get("error")]
        rows.append((what, "papercheck", "; ".join(errors)[:150] or "checked", run.seconds, run.peak_mb))
    sparse = workdir / "sparse.pdf"
    with sparse.open("wb") as fh:
        fh.truncate(2 * 10**9)
    run = hf.run_measured([PYTHON, "-m", "recruitwatch", "papercheck", str(sparse), "--json"])
    error = json.loads(run.stdout.splitlines()[0])["error"].split(": ", 1)[1]
    rows.append(("2 GB sparse file", "papercheck", error, run.seconds, run.peak_mb))
    return rows


WEB_UPLOAD = """
import sys
from fastapi.testclient import TestClient
from recruitwatch.web.app import create_app
client = TestClient(create_app())
html = client.get("/check").text
token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
data = open(sys.argv[1], "rb").read()
response = client.post("/check", data={"csrf_token": token, "lang": "en"},
                       files=[("files", ("upload.pdf", data, "application/pdf"))], headers=eval(sys.argv[2]))
text = response.text
import re
found = re.search(r"(holds an image of [^<]*?limit)", text)
print(response.status_code, found.group(1) if found else text[:120].replace("\\n", " "))
"""


def web_rows(workdir: Path) -> list[tuple[str, str, str, float, float]]:
    bomb = workdir / "web-bomb.pdf"
    bomb.write_bytes(hf.pdf_image_bomb())
    big = workdir / "web-big.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(150 * 10**6)
    rows = []
    for what, path, headers in (("PDF of 890 KB, one 30000x30000 image", bomb, "{}"),
                                ("the same from another site (Origin: http://evil.example)", bomb,
                                 "{'Origin': 'http://evil.example'}"),
                                ("150 MB upload (limit 100 MB)", big, "{}")):
        run = hf.run_measured([PYTHON, "-c", WEB_UPLOAD, str(path), headers])
        rows.append((what, "web upload", f"HTTP {run.stdout.strip()}"[:150], run.seconds, run.peak_mb))
    return rows


def telegram_row(workdir: Path) -> tuple[str, str, str, float, float]:
    export = workdir / "result.json"
    export.write_bytes(hf.telegram_export(200_000))
    code = ("import sys\nfrom recruitwatch.ingest import read_file\n"
            "items = list(read_file(sys.argv[1]))\nprint(len(items))\n")
    run = hf.run_measured([PYTHON, "-c", code, str(export)])
    size = export.stat().st_size / 1e6
    return (f"Telegram export of 200,000 messages ({size:.0f} MB), read only", "ingest reader",
            f"{run.stdout.strip()} documents", run.seconds, run.peak_mb)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        folder = workdir / "inbox"
        cases = hf.make_hostile_folder(folder)
        rows = []
        baseline = workdir / "baseline"
        baseline.mkdir()
        (baseline / "good.txt").write_text(hf.GOOD_REPORT, encoding="utf-8")
        run = hf.run_measured([PYTHON, "-m", "recruitwatch", "ingest", str(baseline), "--db", str(workdir / "b.db")])
        rows.append(("(baseline: one good report)", "ingest", "stored", run.seconds, run.peak_mb))
        rows.extend(ingest_row(folder, case, workdir) for case in cases)
        rows.append(telegram_row(workdir))
        rows.extend(papercheck_rows(workdir))
        rows.extend(web_rows(workdir))
    print("| input | through | outcome | time (s) | peak memory (MB) |")
    print("|---|---|---|---:|---:|")
    for what, tool, outcome, seconds, peak in rows:
        print(f"| {what} | {tool} | {outcome.replace('|', '/')} | {seconds:.1f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
