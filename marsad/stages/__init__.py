"""Registered pipeline stages. Importing this package registers them all."""

from . import entities, events, quotes, segment, timex  # noqa: F401  (registers the marsad.*.v1 stages)
