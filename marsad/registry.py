"""The stage registry: versioned names, declared requirements and assignments.

A stage is a small, picklable ``Document -> Document`` callable registered under a
versioned name (``marsad.segment.v1``) with what it ``requires`` and ``assigns``
(spaCy's ``Language.factory``, stanza's ``REQUIRES_DEFAULT``/``PROVIDES_DEFAULT``).
Changed behaviour gets a new name (``.v2``); ``tests/registrations.json`` snapshots
the registry so a stage dropped or renamed by accident fails the tests.

The registry is filled once, at import time, by the ``@registry.stage`` decorators in
``marsad.stages``; nothing writes to it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .doc import Document
from .errors import ConfigError, Errors


class Stage:
    """Base class of pipeline stages: ``__call__`` one document, ``pipe`` a batch."""

    name: str = ""

    def __call__(self, doc: Document) -> Document:  # pragma: no cover - abstract
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document], *, batch_size: int = 64) -> Iterator[Document]:
        """Process documents in batches (default: one call per document)."""
        del batch_size  # the default implementation has nothing to batch
        for doc in docs:
            yield self(doc)


@dataclass(frozen=True)
class StageInfo:
    """What the registry knows about a stage."""

    name: str
    factory: Callable[[Any], Stage]
    section: str
    config: type
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    summary: str

    def snapshot(self) -> dict[str, Any]:
        """The JSON form used by the registry snapshot test."""
        return {
            "section": self.section,
            "requires": list(self.requires),
            "assigns": list(self.assigns),
            "config": sorted(getattr(self.config, "__dataclass_fields__", {})),
        }


class Registry:
    """Registered stages by versioned name."""

    def __init__(self) -> None:
        self._stages: dict[str, StageInfo] = {}

    def stage(
        self,
        name: str,
        *,
        section: str,
        config: type,
        requires: Iterable[str],
        assigns: Iterable[str],
    ) -> Callable[[type[Stage]], type[Stage]]:
        """Class decorator registering a stage under ``name``.

        Raises:
            ConfigError: the name is already registered.
        """

        def register(cls: type[Stage]) -> type[Stage]:
            if name in self._stages:
                raise ConfigError(Errors.E202.format(name=name))
            cls.name = name
            summary = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
            self._stages[name] = StageInfo(
                name, cls, section, config, tuple(requires), tuple(assigns), summary
            )
            return cls

        return register

    def get(self, name: str) -> StageInfo:
        """Return a stage's info.

        Raises:
            ConfigError: no stage has this name.
        """
        try:
            return self._stages[name]
        except KeyError:
            raise ConfigError(
                Errors.E200.format(name=name, known=", ".join(sorted(self._stages)))
            ) from None

    def names(self) -> list[str]:
        """All registered names, sorted."""
        return sorted(self._stages)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able description of every registration."""
        return {name: self._stages[name].snapshot() for name in self.names()}


registry = Registry()
