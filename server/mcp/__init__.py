"""server/mcp."""
