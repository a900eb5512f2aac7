"""``marsad eval``: run the pipeline on gold files (or read predictions) and score them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..doc import Article
from ..errors import Errors, GoldFormatError, InputError
from ..ingest.files import read_path
from ..pipeline import Pipeline, load
from .score import LAYERS, DocScore, LayerScore, score_document, total


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file.

    Raises:
        GoldFormatError: not JSON, or a required field is missing.
    """
    p = Path(path)
    try:
        gold = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise GoldFormatError(Errors.E100.format(path=path)) from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise GoldFormatError(Errors.E105.format(path=path, detail=str(e))) from e
    if not isinstance(gold, dict):
        raise GoldFormatError(Errors.E500.format(path=path, field="a JSON object"))
    for key in ("doc", "entities"):
        if key not in gold:
            raise GoldFormatError(Errors.E500.format(path=path, field=key))
    return gold


def find_article(gold_path: str | Path, gold: dict[str, Any]) -> Path:
    """Find the article a gold file describes.

    Tried in order: the ``doc`` name beside the gold file, ``<gold name>.txt``,
    ``article.txt``, and the only ``.txt`` file in the folder.

    Raises:
        GoldFormatError: none of these exists.
    """
    gp = Path(gold_path)
    folder = gp.parent
    doc = gold.get("doc")
    candidates = []
    if isinstance(doc, str):
        candidates.append(folder / doc)
    candidates += [gp.with_suffix(".txt"), folder / "article.txt"]
    for c in candidates:
        if c.is_file():
            return c
    txts = sorted(folder.glob("*.txt"))
    if len(txts) == 1:
        return txts[0]
    raise GoldFormatError(Errors.E501.format(path=gold_path, doc=doc))


def predict(
    gold_path: str | Path, gold: dict[str, Any], *, nlp: Pipeline, published: str | None
) -> dict[str, Any]:
    """Run the pipeline on the gold file's article and return its contract dict.

    Args:
        published: ``"gold"`` to pass the gold file's date, an ISO date, or None to let
            the pipeline find the date itself.
    """
    article_path = find_article(gold_path, gold)
    records = [r for r in read_path(str(article_path)) if isinstance(r, Article)]
    if not records:
        raise InputError(Errors.E101.format(path=article_path))
    article = records[0]
    if published == "gold":
        article.published, article.published_source = gold.get("published"), "given"
    elif published:
        article.published, article.published_source = published, "given"
    return nlp(article).to_dict()


def read_prediction(
    pred_dir: str | Path, gold_path: str | Path, gold: dict[str, Any]
) -> dict[str, Any]:
    """Read a stored prediction: ``DIR/<gold name>.json`` or ``DIR/<article name>.json``."""
    d = Path(pred_dir)
    names = [Path(gold_path).stem]
    if isinstance(gold.get("doc"), str):
        names.append(Path(gold["doc"]).stem)
    for name in names:
        p = d / f"{name}.json"
        if p.is_file():
            data: dict[str, Any] = json.loads(p.read_text(encoding="utf-8"))
            return data
    raise GoldFormatError(Errors.E502.format(path=gold_path, pred=d / f"{names[0]}.json"))


def evaluate(
    gold_paths: Iterable[str | Path],
    *,
    pred_dir: str | Path | None = None,
    published: str | None = None,
    nlp: Pipeline | None = None,
) -> tuple[list[DocScore], dict[str, LayerScore]]:
    """Score every gold file; return per-file scores and the micro-averaged totals."""
    scores = []
    for gp in gold_paths:
        gold = load_gold(gp)
        if pred_dir is not None:
            pred = read_prediction(pred_dir, gp, gold)
        else:
            nlp = nlp or load()
            pred = predict(gp, gold, nlp=nlp, published=published)
        scores.append(score_document(pred, gold, gold_path=str(gp)))
    return scores, total(scores)


def format_report(
    scores: list[DocScore], totals: dict[str, LayerScore], *, details: bool = True
) -> str:
    """A plain-text report: per-layer P/R/F1 with the missed and spurious items."""
    lines = []
    if details:
        for s in scores:
            lines.append(f"== {s.gold_path}")
            for name in LAYERS:
                layer = s.layers[name]
                for item in layer.missed:
                    lines.append(f"  {name:9} missed    {item}")
                for item in layer.spurious:
                    lines.append(f"  {name:9} spurious  {item}")
    lines.append(f"{'layer':10} {'P':>6} {'R':>6} {'F1':>6}   tp/pred  found/gold")
    for name in LAYERS:
        t = totals[name]
        lines.append(
            f"{name:10} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f}   "
            f"{t.tp:>3}/{t.predicted:<4} {t.gold_found:>4}/{t.gold}"
        )
    return "\n".join(lines)


__all__ = ["evaluate", "find_article", "format_report", "load_gold"]
