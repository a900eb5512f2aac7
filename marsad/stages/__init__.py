"""Registered pipeline stages. Importing this package registers them all."""

from . import entities, segment  # noqa: F401  (registers marsad.entities.v1, marsad.segment.v1)
