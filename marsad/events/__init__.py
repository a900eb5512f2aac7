"""The event coder: Arabic triggers, their arguments, modality and dates (PLOVER)."""
