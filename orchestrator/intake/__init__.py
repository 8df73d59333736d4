"""orchestrator/intake."""
