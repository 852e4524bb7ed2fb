"""Cross-validated extraction on the training corpus: how the learned extractor does on documents
it was not trained on, beside the rule-only baseline on the same documents.

The corpus is cut into K folds by document id (a stable hash); for each fold a model is trained
on the others and the held-out documents are extracted and scored exactly as `recruitwatch eval`
scores. This is the figure to tune the learned layer by (thresholds, features): the blind rounds
in docs/extraction.md stay the only first-time measure.

    .venv/bin/python bench/crossval.py [--folds 3] [--corpus corpus] [--rules]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path


def fold_of(doc_id: str, folds: int) -> int:
    return int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % folds


def predict(docs, learned: bool = True) -> list[dict]:
    from recruitwatch.pipeline import analyse
    from recruitwatch.records import Document

    out = []
    for d in docs:
        a = analyse(Document(id=d["id"], origin=d["id"], text=d["text"], lang=d.get("lang"), title=d.get("title"),
                             published=d.get("published")), learned=learned)
        out.append(a.to_prediction())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("--rules", action="store_true", help="also score the rule-only baseline")
    args = parser.parse_args()

    from recruitwatch.evaluate import score
    from recruitwatch.evaluate.gold import read_gold
    from recruitwatch.learn import model as model_module
    from recruitwatch.learn.train import train_documents

    docs = read_gold(args.corpus)
    predictions: list[dict] = []
    started = time.perf_counter()
    keep = os.environ.get("CROSSVAL_MODELS")  # a folder to keep (and reuse) the fold models in
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.folds):
            train = [d for d in docs if fold_of(d["id"], args.folds) != k]
            test = [d for d in docs if fold_of(d["id"], args.folds) == k]
            path = Path(keep or tmp) / f"fold{k}-of-{args.folds}.npz"
            if not (keep and path.exists()):
                path.parent.mkdir(parents=True, exist_ok=True)
                train_documents(train, path)
            os.environ["RECRUITWATCH_MODEL"] = str(path)
            model_module.load_model.cache_clear()
            predictions += predict(test)
            print(f"fold {k + 1}/{args.folds}: trained on {len(train)}, scored {len(test)} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    os.environ.pop("RECRUITWATCH_MODEL", None)
    model_module.load_model.cache_clear()
    reports = {"learned (held-out folds)": score(docs, predictions)}
    if os.environ.get("CROSSVAL_SAVE"):
        import json
        with open(os.environ["CROSSVAL_SAVE"], "w", encoding="utf-8") as out:
            out.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in predictions)
    if args.rules:
        reports["rules only"] = score(docs, predict(docs, learned=False))
    fields = ["relevance", "places", "nationalities", "actors", "tactics", "status", "outcome", "date"]
    for name, report in reports.items():
        print(f"\n{name}: {report.overall.documents} documents")
        langs = ["all"] + report.languages()
        print("| field | " + " | ".join(langs) + " |")
        print("|---|" + "---|" * len(langs))
        for f in fields:
            cells = []
            for lang in langs:
                g = report.groups[lang]
                c = g.relevance if f == "relevance" else g.fields[f]
                cells.append(f"{c.f1:.3f}" if lang != "all" else f"{c.f1:.3f} ({c.precision:.2f}/{c.recall:.2f})")
            print(f"| {f} | " + " | ".join(cells) + " |")
        print("| count MAE | " + " | ".join(f"{report.groups[lang].count_mae:.2f}" for lang in langs) + " |")


if __name__ == "__main__":
    main()
