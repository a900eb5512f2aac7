"""The knowledge base of actors: people, organisations, countries and places, with
offices held over time. See docs/kb-data.md for the data files and marsad.kb.load for
the loader."""
