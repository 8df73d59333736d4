"""orchestrator/analysis/migrate."""
