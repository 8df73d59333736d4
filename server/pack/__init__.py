"""server/pack."""
