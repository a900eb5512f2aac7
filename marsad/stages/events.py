"""``marsad.events.v1``: political events in PLOVER — who did what to whom, where and
when, with their mode, modality, CAMEO code and quad class.

The coder is :mod:`marsad.events.coder`; its words are data
(``lexicons/data/event_triggers.json`` and ``lexicons/data/events.json``). It runs
last, on linked entities, quotes (a demand inside a quote is a REQUEST by its speaker)
and time expressions (an event's date).

>>> from marsad import extract
>>> doc = extract("التقى الرئيس التركي رجب طيب أردوغان نظيره الإيراني إبراهيم رئيسي في أنقرة أمس.",
...               published="2024-01-25")
>>> ev = doc.spans["events"][0]
>>> ev.type, ev.date, ev.date_source, ev.cameo, ev.quad
('CONSULT', '2024-01-24', 'timex', '040', 1)
>>> [doc.entity(i).name_en for i in [*ev.actors, *ev.recipients]]
['Recep Tayyip Erdoğan', 'Ebrahim Raisi']
>>> doc.entity(ev.location).name_en
'Ankara'
"""

from __future__ import annotations

from dataclasses import dataclass

from ..doc import Document
from ..events import report
from ..events.coder import CoderOptions, code_events
from ..registry import Stage, registry


@dataclass(frozen=True)
class EventsConfig:
    """Options of ``marsad.events.v1``.

    Attributes:
        skip_zones: zones whose sentences are not coded (photo captions describe a
            picture, not a happening).
        historical_days: an event dated more than this many days before the document
            is marked ``historical``.
        merge: join the mentions of one happening in a document into one event
            (its other triggers are listed in ``mentions``).
        dropped_subjects: a verb without a written subject («وأضاف …», «فاقتحمت …»)
            takes the subject the text is about; off, such events keep no actor.
        bare_nouns: also code an event noun that has nothing of its own (no
            participant, place or date: «يدينون هذه الاعتداءات»); off, such a noun is
            taken as a mention of events, not a report of one.
        report_model: give each ASSAULT and PROTEST event a ``confidence`` that the
            sentence reports it rather than mentions it (:mod:`marsad.events.report`).
        drop_mentions: a feed of reports only, as GDELT and ICEWS code: the report
            model decides for its types (bare nouns included) and the events below
            their type's threshold are left out (violence named in a trial, an
            analysis, an opinion, a background paragraph). Off, every coded event is
            kept with its ``confidence``.
    """

    skip_zones: tuple[str, ...] = ("boilerplate", "caption")
    historical_days: int = 30
    merge: bool = True
    dropped_subjects: bool = True
    bare_nouns: bool = False
    report_model: bool = True
    drop_mentions: bool = False


@registry.stage(
    "marsad.events.v1",
    section="events",
    config=EventsConfig,
    requires=[
        "doc.tokens",
        "doc.sentences",
        "doc.entities",
        "doc.spans['mentions']",
        "doc.spans['quotes']",
        "doc.spans['timexes']",
    ],
    assigns=["doc.spans['events']"],
)
class EventCoder(Stage):
    """Code PLOVER events with their arguments, modality and dates."""

    def __init__(self, config: EventsConfig) -> None:
        self.config = config
        self.options = CoderOptions(
            skip_zones=config.skip_zones,
            historical_days=config.historical_days,
            merge=config.merge,
            dropped_subjects=config.dropped_subjects,
            bare_nouns=config.bare_nouns,
            scored_types=(
                frozenset(report.TYPES)
                if config.report_model and config.drop_mentions
                else frozenset()
            ),
        )

    def __call__(self, doc: Document) -> Document:
        doc.spans["events"] = code_events(doc, self.options)
        if self.config.report_model:
            report.score_events(doc)
            if self.config.drop_mentions:
                doc.spans["events"] = [
                    ev for ev in doc.spans["events"]
                    if ev.confidence is None or ev.confidence >= (report.threshold(ev.type) or 0.0)
                ]  # fmt: skip
        return doc
