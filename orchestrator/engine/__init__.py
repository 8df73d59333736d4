"""orchestrator/engine."""
