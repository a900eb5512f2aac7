"""The web UI and HTTP API (``marsad serve``; ``pip install 'marsad[web]'``)."""
