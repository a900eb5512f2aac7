"""``marsad.segment.v1``: blocks with zones, sentences, tokens and clitic words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..doc import Document
from ..registry import Stage, registry
from ..text.segment import segment


@dataclass(frozen=True)
class SegmentConfig:
    """Options of ``marsad.segment.v1``.

    Attributes:
        headline: ``"auto"`` marks the first line as the headline when the document
            has a title and the text starts with it; ``"yes"`` always; ``"no"`` never.
    """

    headline: Literal["auto", "yes", "no"] = "auto"


@registry.stage(
    "marsad.segment.v1",
    section="segment",
    config=SegmentConfig,
    requires=["doc.text"],
    assigns=["doc.blocks", "doc.sentences", "doc.tokens"],
)
class Segmenter(Stage):
    """Split the text into blocks (with zones), sentences, tokens and clitic words."""

    def __init__(self, config: SegmentConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        headline = {"auto": None, "yes": True, "no": False}[self.config.headline]
        return segment(doc, headline=headline)
