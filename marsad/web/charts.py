"""Geometry for the SVG drawings of the pages (no JavaScript, no chart library).

>>> pts = radial([{"id": 2, "documents": 4}, {"id": 3, "documents": 1}])
>>> [(p["id"], p["x"], p["y"], p["width"]) for p in pts]
[(2, 340.0, 170.0, 6.0), (3, 0.0, 170.0, 2.2)]
"""

from __future__ import annotations

import math
from typing import Any

SIZE = 340  # the drawing is SIZE × SIZE; the actor sits in the middle


def radial(network: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Place co-mentioned actors on a circle around the centre, the most frequent first
    (at three o'clock, then anticlockwise); line width grows with shared articles."""
    if not network:
        return []
    top = max(n["documents"] for n in network)
    r = SIZE / 2
    out = []
    for i, n in enumerate(network):
        angle = 2 * math.pi * i / len(network)
        out.append(
            {
                **n,
                "x": round(r + r * math.cos(angle), 1),
                "y": round(r - r * math.sin(angle), 1),
                "width": round(1 + 5 * n["documents"] / top, 1) if top else 1.0,
            }
        )
    return out
