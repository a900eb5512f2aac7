"""Registered pipeline stages. Importing this package registers them all."""

from . import segment  # noqa: F401  (registers marsad.segment.v1)
