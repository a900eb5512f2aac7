"""Error and warning codes, and the exception hierarchy.

Every message the library raises lives here with a code, the way spaCy's
``errors.py`` does it, so users can search for ``E104`` and so the CLI can print
one clear line. Messages say what to do next.

>>> str(Errors.E101.format(path="a.txt"))
'[E101] a.txt: the input is empty. Give a file with Arabic text in it.'
"""

from __future__ import annotations


class _CodedMeta(type):
    """Prefix each message with its code when read: ``Errors.E101`` -> ``"[E101] ..."``."""

    def __getattribute__(cls, code: str) -> str:
        msg = super().__getattribute__(code)
        if code.startswith("_"):
            return msg  # type: ignore[no-any-return]
        return f"[{code}] {msg}"


class Errors(metaclass=_CodedMeta):
    """Error messages. Templates take ``str.format`` keyword arguments."""

    # E1xx: reading input
    E100 = "{path}: no such file. Check the path, or pass - to read standard input."
    E101 = "{path}: the input is empty. Give a file with Arabic text in it."
    E102 = (
        "{path}: this looks like binary data ({what}), not text. Give a UTF-8, "
        "UTF-16 or windows-1256 text, JSON or JSONL file."
    )
    E103 = (
        "{path}: the bytes are not valid UTF-8, UTF-16 or windows-1256 Arabic text. "
        "Re-save the file as UTF-8."
    )
    E104 = (
        "{path}: {size} is over the {limit} limit for one article. Split it into "
        "articles (JSONL, one per line) or raise the limit with --max-size."
    )
    E105 = "{path}: invalid JSON ({detail}). Fix the JSON, or use .txt for plain text."
    E106 = "{path}: the JSON record has no text. Give the article in a 'text' or 'content' field."
    E107 = (
        "{path}: 'published' is {value!r}, not an ISO date. Use YYYY-MM-DD or "
        "YYYY-MM-DDTHH:MM[:SS]."
    )
    E108 = (
        "{path}: expected a JSON object (or an array of objects), got {kind}. "
        "Give one article per object."
    )
    E109 = "{path}: a directory. Give a .txt, .json or .jsonl file, or - for standard input."
    E110 = "{path}: the field {field!r} must be a string, not {kind}."
    E111 = (
        "{path}: the text has no letters after cleaning (only spaces, controls or "
        "marks). Give a file with Arabic text in it."
    )
    E130 = (
        "{path}: cannot read it as CoNLL ({detail}). Give a UTF-8 text file with one "
        "token per line (extra columns are kept) and blank lines between sentences."
    )

    # E2xx: pipeline and configuration
    E200 = (
        "Unknown stage {name!r}. Registered stages: {known}. Check the name and its "
        "version suffix (for example marsad.segment.v1)."
    )
    E201 = (
        "Stage {name!r} requires {missing}, which no earlier stage assigns. Put a "
        "stage that assigns it before {name!r}. Fulfilled so far: {fulfilled}."
    )
    E202 = "Stage name {name!r} is registered twice. Give the new version another name (.v2)."
    E203 = "Unknown config key {key!r} in [{section}]. Known keys: {known}."
    E204 = "Config value {key!r} must be {expected}, got {value!r}."
    E205 = "Stage {name!r} failed on document {doc_id!r}: {detail}"
    E206 = "Unknown config section [{section}]. Known sections: {known}."

    # E3xx: documents and spans
    E300 = (
        "Span [{start}:{end}] does not fit the text of length {length}. Offsets are "
        "character indices into doc.text."
    )
    E301 = (
        "Span [{start}:{end}] ({text!r}) does not align with token or word boundaries. "
        "Use alignment_mode='expand' or 'contract' to snap it."
    )
    E302 = "Span text {text!r} differs from doc.text[{start}:{end}] = {actual!r}."
    E303 = "Document dict is missing the field {field!r} required by the output contract."
    E304 = "Unknown entity id {eid!r} in {where}; ids must name an entity of the document."

    # E4xx: data files
    E400 = (
        "Data file {name} changed without updating its checksum in MANIFEST.json. "
        "If the change is intended, run: python -m marsad.resources --update"
    )
    E401 = "Data file {name} is invalid: {detail}"
    E402 = (
        "NER model {path}: {detail}. Retrain it with: marsad train-ner --data "
        "../shared/data --out {path}"
    )

    # E5xx: evaluation
    E500 = "{path}: gold file is missing {field!r}. See shared/spec/gold-format.md."
    E501 = (
        "{path}: cannot find the article {doc!r} for this gold file. Put it beside the "
        "gold file, or name it <gold name>.txt."
    )
    E502 = "{path}: no prediction at {pred}. Run marsad extract into --pred DIR first."


class Warnings(metaclass=_CodedMeta):
    """Warning messages."""

    W100 = "{path}:{line}: skipped a bad record: {detail}"
    W101 = "{path}: decoded as {encoding} (not UTF-8)."


class MarsadError(Exception):
    """Base class of every error marsad raises on purpose."""


class InputError(MarsadError):
    """Bad input: missing, empty, binary, undecodable, oversized or malformed."""


class ConfigError(MarsadError, ValueError):
    """A configuration or pipeline-building problem."""


class StageError(MarsadError):
    """A pipeline stage failed on one document."""

    def __init__(self, message: str, *, stage: str, doc_id: str | None) -> None:
        super().__init__(message)
        self.stage = stage
        self.doc_id = doc_id


class AlignmentError(MarsadError, ValueError):
    """A span's offsets do not fit the text or its tokens."""


class DataFileError(MarsadError):
    """A packaged data file is missing, invalid or changed without its checksum."""


class GoldFormatError(MarsadError):
    """A gold file does not follow shared/spec/gold-format.md."""
