"""What ``marsad ner`` and ``marsad train-ner`` call.

``tag_conll`` repeats every input line with the predicted tag as a new last column
(tab-separated when the line is, space-separated otherwise) and keeps blank lines, so
any CoNLL file round-trips line for line and a scorer can read gold and prediction from
the same row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import Errors, InputError
from .conll import read_lines
from .model import CORPORA, NerTagger, cross_validate, load_tagger, read_training_data, train


def tag_lines(lines: list[str], tagger: NerTagger) -> Iterator[str]:
    """The lines of a CoNLL file, each token line with its predicted tag appended.

    Sentences are tagged in file order with the document pass (names found in the 10
    sentences on either side tag their repetitions), as the benchmark scores them.

    >>> list(tag_lines(["قال", "أحمد", "الكعبي", "", "شكرا"], load_tagger()))
    ['قال O', 'أحمد B-PERS', 'الكعبي I-PERS', '', 'شكرا O']
    """
    blocks: list[list[str]] = []
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    tags = iter(tagger.tag_sentences([[ln.split()[0] for ln in b] for b in blocks]))
    current: Iterator[str] = iter(())
    for line in lines:
        if not line.strip():
            current = iter(())
            yield line
            continue
        tag = next(current, None)
        if tag is None:  # the first line of a sentence
            current = iter(next(tags))
            tag = next(current)
        yield line.rstrip() + ("\t" if "\t" in line else " ") + tag


def tag_conll(path: str | Path, *, model: str = "") -> Iterator[str]:
    """Tag a CoNLL file (see :func:`tag_lines`).

    Args:
        path: the file (``-``: standard input); one token per line (first column),
            blank lines between sentences.
        model: a model folder (default: the shipped model).

    Raises:
        InputError: the file cannot be read as UTF-8 text.
        DataFileError: the model is missing or was trained on other features.
    """
    return tag_lines(read_lines(path), load_tagger(model))


def train_ner(
    data: str | Path, out: str | Path, *, folds: int = 0, wojood: bool = False
) -> dict[str, Any]:
    """Train the NER model on the corpora under ``data`` and write it to ``out``.

    Args:
        data: the folder holding ``anercorp/train.txt`` and ``aqmar/{train,dev}.txt``.
        out: the model folder to write.
        folds: also cross-validate on ANERcorp with this many folds (0: skip) and record
            the scores in ``ner.json``.
        wojood: also train on the Wojood sample (its nested layers flattened).

    Returns:
        The model's metadata (``ner.json``).

    Raises:
        InputError: no training corpus under ``data``.
    """
    corpora = read_training_data(data, wojood=wojood)
    if not corpora:
        expected = ", ".join(c[1] for c in CORPORA)
        raise InputError(Errors.E130.format(path=data, detail=f"none of {expected} found under it"))
    meta: dict[str, Any] = {
        "sources": {name: len(sents) for name, sents in corpora.items()},
    }
    if folds and "anercorp" in corpora:
        extra = [s for name, sents in corpora.items() if name != "anercorp" for s in sents]
        meta["cross_validation"] = {
            "folds": folds,
            "scores": cross_validate(corpora["anercorp"], extra, k=folds),
        }
    return train([s for sents in corpora.values() for s in sents], out, meta=meta)
