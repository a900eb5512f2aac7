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
    E106 = (
        "{path}: the JSON record has no text. Give the article in a 'text' or 'content' "
        "field, or name its field with --field text=NAME."
    )
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
    E112 = (
        "--field {item!r}: write it as ROLE=FIELD, where ROLE is one of {roles} "
        "(for example published=pubDate)."
    )
    E130 = (
        "{path}: cannot read it as CoNLL ({detail}). Give a UTF-8 text file with one "
        "token per line (extra columns are kept) and blank lines between sentences."
    )
    E140 = (
        "{path}: the HTML page has no article text (only menus, links or boilerplate). "
        "Give the article's own page, not a section or index page."
    )
    E141 = (
        "{path}: cannot read it as an RSS, Atom or RDF feed ({detail}). Give the "
        "feed's XML file, saved whole."
    )
    E142 = (
        "{path}: the feed entry has no text (no summary, content or saved page). Save "
        "the article page beside the feed, named after the link's last path segment."
    )
    E143 = (
        "{path}: the WARC archive is truncated or corrupt ({detail}); the records after "
        "this point were not read. Download or crawl the archive again."
    )
    E144 = "{path}: cannot read it as a WARC archive ({detail}). Give a .warc or .warc.gz file."
    E145 = (
        "{path}: reading it needs the Python package {package}, which is not installed. "
        "Install it: pip install {package}"
    )
    E146 = (
        "{path}: cannot decode the page body ({detail}). The archive holds a damaged "
        "copy of this page; crawl it again."
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

    # E6xx: the database and ingest runs
    E600 = (
        "{url}: not a database URL marsad knows. Use sqlite:///path/marsad.db, "
        "postgresql://user@host/db or a plain file path."
    )
    E601 = "{url}: cannot open the database ({detail}). Check the path or the server."
    E606 = "{url}: no such database. Fill it first with marsad ingest SOURCE --db {url}."
    E602 = (
        "{url}: PostgreSQL needs the psycopg driver. Install it with "
        "pip install 'marsad[postgres]'."
    )
    E603 = (
        "{url}: the database has schema version {have}, newer than this marsad knows "
        "({known}). Upgrade marsad, or use another database."
    )
    E604 = "{path}: no articles found there. Give text, HTML, feed, WARC, JSON(L) or zip files."
    E605 = (
        "{path}: {size} is over the {limit} limit for one input file. Split it, or raise "
        "the limit with --max-size."
    )

    E610 = "unknown export format {fmt!r}. Use one of: {known}."
    E611 = "--since {since!r} is not an ISO date. Use YYYY-MM-DD (or YYYY-MM-DDTHH:MM)."
    E612 = "--format {fmt} writes one file per table: give an output folder with --out DIR."
    E613 = "{out}: not a folder. --format {fmt} writes one file per table into a folder."
    E614 = (
        "--format parquet needs the Python package pyarrow, which is not installed. "
        "Install it: pip install pyarrow"
    )
    E615 = "unknown table {table!r}. Use one of: {known}."
    E607 = (
        "{url}: the database already holds {n} documents. marsad load fills an empty "
        "database: give a new --db, or use marsad ingest to add to this one."
    )
    E608 = "{path}: no Parquet table {table!r} there. Give the --out folder of marsad spark run."
    E620 = "marsad spark needs PySpark (and Java 17). Install it with pip install 'marsad[spark]'."
    E621 = (
        "marsad serve needs FastAPI, Jinja2 and uvicorn, which come with marsad: "
        "reinstall it (pip install marsad)."
    )


class Warnings(metaclass=_CodedMeta):
    """Warning messages."""

    W100 = "{path}:{line}: skipped a bad record: {detail}"
    W101 = "{path}: decoded as {encoding} (not UTF-8)."


class MarsadError(Exception):
    """Base class of every error marsad raises on purpose."""


class InputError(MarsadError):
    """Bad input: missing, empty, binary, undecodable, oversized or malformed."""


class StoreError(MarsadError):
    """The database cannot be opened, reached or migrated."""


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
