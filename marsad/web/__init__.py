"""The web UI and HTTP API (``marsad serve``, ``marsad demo``)."""
