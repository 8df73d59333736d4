"""orchestrator/engine/lint."""
