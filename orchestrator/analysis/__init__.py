"""orchestrator/analysis."""
