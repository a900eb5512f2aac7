"""The one immutable, typed, documented configuration object.

``Config`` is a frozen dataclass of sections; each section is a frozen dataclass whose
fields are the options, with their defaults (ftfy's ``TextFixerConfig``). The whole
pipeline is described by ``default_config.toml``; change it with ``Config.override``
or a TOML file, never by mutation.

>>> cfg = Config.default()
>>> cfg.segment.headline
'auto'
>>> cfg.override("segment.headline", "no").segment.headline
'no'
>>> cfg.segment.headline
'auto'
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

from .errors import ConfigError, Errors
from .stages.entities import EntitiesConfig
from .stages.events import EventsConfig
from .stages.quotes import QuotesConfig
from .stages.segment import SegmentConfig
from .stages.timex import TimexConfig
from .text.clean import STEPS


@dataclass(frozen=True)
class PipelineConfig:
    """Which stages run, in order.

    Attributes:
        stages: registered stage names, each with its version.
    """

    stages: tuple[str, ...] = (
        "marsad.segment.v1",
        "marsad.timex.v1",
        "marsad.entities.v1",
        "marsad.quotes.v1",
        "marsad.events.v1",
    )


@dataclass(frozen=True)
class CleanConfig:
    """Cleaning before the text is frozen.

    Attributes:
        steps: names of the steps in ``marsad.text.clean.STEPS``, in the order they run.
    """

    steps: tuple[str, ...] = tuple(STEPS)

    def __post_init__(self) -> None:
        unknown = [s for s in self.steps if s not in STEPS]
        if unknown:
            raise ConfigError(
                Errors.E204.format(
                    key="clean.steps", expected="names from " + ", ".join(STEPS), value=unknown
                )
            )


@dataclass(frozen=True)
class LimitsConfig:
    """Size limits that protect a batch from a runaway input.

    Attributes:
        max_article_bytes: the largest article accepted, in UTF-8 bytes.
    """

    max_article_bytes: int = 10_000_000


@dataclass(frozen=True)
class Config:
    """The whole configuration: one section per concern and per stage."""

    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    segment: SegmentConfig = field(default_factory=SegmentConfig)
    timex: TimexConfig = field(default_factory=TimexConfig)
    entities: EntitiesConfig = field(default_factory=EntitiesConfig)
    quotes: QuotesConfig = field(default_factory=QuotesConfig)
    events: EventsConfig = field(default_factory=EventsConfig)

    @classmethod
    def default(cls) -> Config:
        """The configuration of ``default_config.toml``."""
        text = resources.files("marsad").joinpath("default_config.toml").read_text("utf-8")
        return cls.from_dict(tomllib.loads(text))

    @classmethod
    def from_toml(cls, path: str | Path) -> Config:
        """Read a TOML file; missing keys keep their defaults.

        Raises:
            ConfigError: an unknown section or key, or a value of the wrong type.
        """
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise ConfigError(f"{path}: cannot read the config: {e}") from e
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        """Build a config from nested dicts (the TOML structure)."""
        cfg = cls()
        for section, values in data.items():
            for key, value in values.items():
                cfg = cfg.override(f"{section}.{key}", value)
        return cfg

    def override(self, key: str, value: Any) -> Config:
        """Return a copy with ``section.key`` set to ``value`` (type-checked).

        Raises:
            ConfigError: an unknown section or key, or a value of the wrong type.
        """
        section, _, name = key.partition(".")
        sections = {f.name: f for f in fields(self)}
        if section not in sections:
            raise ConfigError(
                Errors.E206.format(section=section, known=", ".join(sorted(sections)))
            )
        current = getattr(self, section)
        hints = get_type_hints(type(current))
        if name not in hints:
            raise ConfigError(
                Errors.E203.format(key=name, section=section, known=", ".join(sorted(hints)))
            )
        value = _coerce(f"{section}.{name}", hints[name], value)
        return replace(self, **{section: replace(current, **{name: value})})

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """The config as nested dicts (tuples as lists), as TOML would hold it."""
        out: dict[str, dict[str, Any]] = {}
        for f in fields(self):
            section = dataclasses.asdict(getattr(self, f.name))
            out[f.name] = {k: list(v) if isinstance(v, tuple) else v for k, v in section.items()}
        return out


def _coerce(key: str, hint: Any, value: Any) -> Any:
    origin = get_origin(hint)
    if origin is tuple:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                Errors.E204.format(key=key, expected="a list of strings", value=value)
            )
        return tuple(value)
    if origin is Literal:
        allowed = get_args(hint)
        if value not in allowed:
            raise ConfigError(
                Errors.E204.format(
                    key=key, expected="one of " + ", ".join(map(repr, allowed)), value=value
                )
            )
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(
                Errors.E204.format(key=key, expected="a positive integer", value=value)
            )
        return value
    if hint is bool and not isinstance(value, bool):
        raise ConfigError(Errors.E204.format(key=key, expected="true or false", value=value))
    if hint is str and not isinstance(value, str):
        raise ConfigError(Errors.E204.format(key=key, expected="a string", value=value))
    return value
