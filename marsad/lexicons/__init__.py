"""Arabic word lists kept as data (ranks, counterparts, cue words); see lexicons/data."""
