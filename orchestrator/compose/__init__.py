"""orchestrator/compose."""
