"""Trace a request through AI Gateway manifests: ``aigw-skills trace`` and ``aigw_trace`` (issue 13).

The core is pure and lives here; the engine never imports it. Front doors: server/cli/trace.py and the MCP tool
registered in server/doors.py (input model: orchestrator.analysis.inputs.TraceInput).
"""

from orchestrator.analysis.trace.model import Leg, Step, Trace, TraceRequest
from orchestrator.analysis.trace.render import to_json, to_mermaid, to_text
from orchestrator.analysis.trace.walk import trace_documents

__all__ = ["Leg", "Step", "Trace", "TraceRequest", "to_json", "to_mermaid", "to_text", "trace_documents"]
