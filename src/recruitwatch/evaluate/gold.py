"""Gold JSONL: the one reader of annotated documents, and the validator of the training corpus.

A gold line is one document in the format of the taxonomy spec (``docs/taxonomy.md``):
``id``, ``lang``, ``text``, ``relevant``, ``incidents`` (and optional ``title``, ``published``,
``origin``). The project's training corpus (``corpus/``) adds three optional keys that the
learned layer uses and the scorer ignores:

* ``style``: news, feature, interview, telegram, court, ngo, explainer, digest or mixed;
* ``negative``: for a document that is not relevant, what kind of near miss it is;
* per incident, ``field_evidence``: for every tactic, actor, the status and the outcome, the
  key phrase of the text that carries it (``{"tactics": {"document_seizure": "took his
  passport"}, "actors": {...}, "status": "...", "outcome": "..."}``).

``python -m recruitwatch.evaluate.gold FILE...`` (or ``recruitwatch corpus validate``) checks
every line: codes in the vocabulary, every evidence string verbatim in the text, ids unique,
and, within one file, no key phrase of a tactic used twice. It needs only the standard library
and the package's own vocabulary, so authors can run it before anything is installed.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from recruitwatch.errors import EvalError
from recruitwatch.taxonomy.vocabulary import ACTORS, OUTCOMES, STATUSES, TACTICS

LANGS = ("en", "ru", "uz", "tg", "ky", "kk")
STYLES = ("news", "feature", "interview", "telegram", "court", "ngo", "explainer", "digest", "mixed")
NEGATIVE_KINDS = ("migration_raid", "citizen_conscription", "occupied_mobilisation", "home_army", "sport_contract",
                  "labour_contract", "remittances", "deportation", "wagner_prisoners", "other")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LIST_FIELDS = {"places": None, "nationalities": None, "actors": ACTORS, "tactics": TACTICS}


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    doc_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.doc_id}: {self.message}"


def iter_gold(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, document) of every non-empty line; a line that is not a JSON object raises EvalError."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvalError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    with handle:
        lines = enumerate(handle, 1)
        while True:
            try:
                number, line = next(lines)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise EvalError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
            if not isinstance(doc, dict):
                raise EvalError(f"{path}:{number}: each line must be a JSON object")
            yield number, doc


def read_gold(*paths: str | Path) -> list[dict[str, Any]]:
    """Every document of one or more gold JSONL files (a folder means its *.jsonl files)."""
    docs: list[dict[str, Any]] = []
    for path in expand(paths):
        docs.extend(doc for _, doc in iter_gold(path))
    return docs


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files of the given paths, folders expanded to their *.jsonl files (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob("*.jsonl")) if p.is_dir() else [p])
    return out


@cache
def _codes() -> tuple[frozenset[str], frozenset[str]]:
    """(country codes, RU/UA subdivision codes) from the shipped gazetteer data."""
    data = Path(__file__).resolve().parent.parent / "extract" / "data"  # read as files: importing
    # recruitwatch.extract would load the extractor's dependencies, and authors may not have them
    countries = set()
    for line in (data / "gazetteer.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2] == "country":
            countries.add(parts[1])
    rows = [r for r in (data / "admin1_iso3166_2.csv").read_text(encoding="utf-8").splitlines()
            if r and not r.startswith("#")]
    subdivisions = {row["iso3166_2"] for row in csv.DictReader(rows) if row.get("iso3166_2")}
    return frozenset(countries), frozenset(subdivisions)


def _valid_place(code: str) -> bool:
    countries, subdivisions = _codes()
    return code in countries or code in subdivisions


def _norm_phrase(phrase: str) -> str:
    return re.sub(r"\W+", " ", phrase.casefold()).strip()


def check_document(doc: dict[str, Any]) -> list[str]:
    """Problems of one document (empty when it is valid)."""
    problems: list[str] = []
    text = doc.get("text")
    if not isinstance(text, str) or not text.strip():
        return ["`text` must be a non-empty string"]
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        problems.append("`id` must be a non-empty string")
    if doc.get("lang") not in LANGS:
        problems.append(f"`lang` must be one of {', '.join(LANGS)}, not {doc.get('lang')!r}")
    published = doc.get("published")
    if published is not None and not (isinstance(published, str) and _DATE.match(published)):
        problems.append(f"`published` must be YYYY-MM-DD, YYYY-MM or YYYY, not {published!r}")
    if "style" in doc and doc["style"] not in STYLES:
        problems.append(f"`style` must be one of {', '.join(STYLES)}, not {doc['style']!r}")
    relevant = doc.get("relevant")
    if not isinstance(relevant, bool):
        return problems + ["`relevant` must be true or false"]
    incidents = doc.get("incidents")
    if not isinstance(incidents, list):
        return problems + ["`incidents` must be a list"]
    if not relevant:
        if incidents:
            problems.append("a document that is not relevant has no incidents")
        if "negative" in doc and doc["negative"] not in NEGATIVE_KINDS:
            problems.append(f"`negative` must be one of {', '.join(NEGATIVE_KINDS)}, not {doc['negative']!r}")
    for k, inc in enumerate(incidents, 1):
        problems.extend(f"incident {k}: {p}" for p in check_incident(inc, text))
    return problems


def check_incident(inc: Any, text: str) -> list[str]:
    if not isinstance(inc, dict):
        return ["must be an object"]
    problems: list[str] = []
    date = inc.get("date")
    if date is not None and not (isinstance(date, str) and _DATE.match(date)):
        problems.append(f"`date` must be YYYY-MM-DD, YYYY-MM, YYYY or null, not {date!r}")
    for name, vocabulary in _LIST_FIELDS.items():
        values = inc.get(name)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(f"`{name}` must be a list of codes")
            continue
        for v in values:
            if vocabulary is None and not _valid_place(v):
                problems.append(f"`{name}`: {v!r} is not an ISO 3166-1 alpha-2 or RU/UA ISO 3166-2 code")
            elif vocabulary is not None and v not in vocabulary:
                problems.append(f"`{name}`: unknown code {v!r}")
    for name in ("nationalities",):
        for v in inc.get(name) or []:
            if isinstance(v, str) and "-" in v:
                problems.append(f"`{name}`: {v!r} must be a country code, not a subdivision")
    if inc.get("status") not in STATUSES:
        problems.append(f"`status`: unknown code {inc.get('status')!r}")
    if inc.get("outcome") not in OUTCOMES:
        problems.append(f"`outcome`: unknown code {inc.get('outcome')!r}")
    count = inc.get("count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        problems.append("`count` must be a positive integer or null")
    evidence = inc.get("evidence")
    if not isinstance(evidence, str) or not evidence.strip():
        problems.append("`evidence` must be a non-empty string")
    elif evidence not in text:
        problems.append(f"`evidence` is not verbatim in the text: {evidence[:60]!r}")
    if "field_evidence" in inc:
        problems.extend(_check_field_evidence(inc, text))
    return problems


def _check_field_evidence(inc: dict[str, Any], text: str) -> list[str]:
    fe = inc["field_evidence"]
    if not isinstance(fe, dict):
        return ["`field_evidence` must be an object"]
    problems: list[str] = []
    for name in ("tactics", "actors"):
        given = fe.get(name, {})
        if not isinstance(given, dict):
            problems.append(f"`field_evidence.{name}` must map codes to phrases")
            continue
        codes = set(inc.get(name) or [])
        for code in codes - set(given):
            problems.append(f"`field_evidence.{name}` has no phrase for {code}")
        for code, phrase in given.items():
            if code not in codes:
                problems.append(f"`field_evidence.{name}` names {code}, which is not in `{name}`")
            if not isinstance(phrase, str) or not phrase.strip() or phrase not in text:
                problems.append(f"`field_evidence.{name}.{code}` is not verbatim in the text: {str(phrase)[:60]!r}")
    for name in ("status", "outcome"):
        phrase = fe.get(name)
        if inc.get(name) not in (None, "unknown"):
            if not isinstance(phrase, str) or not phrase.strip():
                problems.append(f"`field_evidence.{name}` is missing (the {name} is {inc.get(name)})")
            elif phrase not in text:
                problems.append(f"`field_evidence.{name}` is not verbatim in the text: {phrase[:60]!r}")
        elif phrase:
            problems.append(f"`field_evidence.{name}` given for an unknown {name}")
    return problems


def validate(paths: Iterable[str | Path]) -> list[Problem]:
    """Every problem of the given files: per line, plus ids repeated across files and tactic
    key phrases repeated within a file."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in expand(paths):
        phrases: dict[str, str] = {}
        try:
            rows = list(iter_gold(path))
        except EvalError as exc:
            problems.append(Problem(str(path), 0, "-", str(exc)))
            continue
        for number, doc in rows:
            doc_id = str(doc.get("id", "?"))
            problems.extend(Problem(str(path), number, doc_id, m) for m in check_document(doc))
            if doc_id in seen:
                problems.append(Problem(str(path), number, doc_id, f"id already used in {seen[doc_id]}"))
            seen.setdefault(doc_id, f"{path}:{number}")
            for inc in doc.get("incidents") or []:
                fe = inc.get("field_evidence") if isinstance(inc, dict) else None
                tactics = fe.get("tactics") if isinstance(fe, dict) else None
                for code, phrase in (tactics.items() if isinstance(tactics, dict) else ()):
                    key = f"{code}|{_norm_phrase(str(phrase))}"
                    if key in phrases and phrases[key] != doc_id:
                        problems.append(Problem(str(path), number, doc_id,
                                                f"tactic {code} uses the key phrase {phrase!r} again "
                                                f"(already in {phrases[key]}): vary the wording"))
                    phrases.setdefault(key, doc_id)
    return problems


def balance(docs: list[dict[str, Any]]) -> dict[str, Counter]:
    """Counts for the corpus's balance table: languages, relevance, styles, negatives and codes."""
    table: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        lang = doc.get("lang", "?")
        if lang == "uz":
            lang = "uz-Cyrl" if len(re.findall(r"[а-яёўқғҳ]", doc["text"], re.I)) > len(doc["text"]) / 4 else "uz-Latn"
        table["language"][lang] += 1
        table["relevant"]["relevant" if doc.get("relevant") else "not relevant"] += 1
        table["style"][doc.get("style", "unstated")] += 1
        if not doc.get("relevant"):
            table["negative"][doc.get("negative", "unstated")] += 1
        for inc in doc.get("incidents") or []:
            for name in ("tactics", "actors"):
                table[name].update(inc.get(name) or [])
            table["status"][inc.get("status")] += 1
            table["outcome"][inc.get("outcome")] += 1
            table["nationalities"].update(inc.get("nationalities") or [])
            table["places"].update(inc.get("places") or [])
    return table


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print("usage: python -m recruitwatch.evaluate.gold FILE_OR_FOLDER...  (validates gold JSONL)")
        return 2
    problems = validate(args)
    for p in problems:
        print(p)
    docs = sum(1 for path in expand(args) for _ in _safe_iter(path))
    print(f"{docs} documents, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def _safe_iter(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        yield from iter_gold(path)
    except EvalError:
        return


if __name__ == "__main__":
    raise SystemExit(main())
