"""The MCPServer this project serves: the SDK's, minus the places it would echo a credential.

The SDK puts a resource URI it cannot read into the error's ``data`` and into its log, and a tool name it does
not know into its log; a key pasted there (``skill://sk-proj-...``) would travel back to the client and into
the server's log. Both are refused here first, without repeating them.
"""

from __future__ import annotations

from typing import Any

from mcp import MCPError
from mcp.server.mcpserver import MCPServer
from mcp.types import INVALID_PARAMS

from skills.credentials import REFUSAL_HINT, describe_credential


class GuardedServer(MCPServer):
    async def _handle_read_resource(self, ctx: Any, params: Any) -> Any:
        kind = describe_credential(str(params.uri))
        if kind:
            raise MCPError(
                code=INVALID_PARAMS, message=f"the resource URI looks like {kind} (not shown). {REFUSAL_HINT}"
            )
        return await super()._handle_read_resource(ctx, params)

    async def _handle_call_tool(self, ctx: Any, params: Any) -> Any:
        kind = describe_credential(str(params.name))
        if kind:
            raise MCPError(
                code=INVALID_PARAMS, message=f"the tool name looks like {kind} (not shown). {REFUSAL_HINT}"
            )
        return await super()._handle_call_tool(ctx, params)
