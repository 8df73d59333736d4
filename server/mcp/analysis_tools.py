"""MCP tools over existing manifests: aigw_migrate (rewrite for a newer release), aigw_explain (topology) and
aigw_trace (where one request goes).

Registered by server.mcp.tools next to aigw_validate. Only the specs live here: models and bodies are in
server.mcp.analysis_models, loaded by reference on first use so that starting the server stays cheap.
"""

from __future__ import annotations

from server.mcp.tools import ToolSpec, load

MODELS = "server.mcp.analysis_models"


def analysis_specs(crds_path: str | None) -> list[ToolSpec]:
    return [
        ToolSpec(
            name="aigw_migrate",
            title="Migrate AI Gateway manifests to a newer release",
            description=(
                "Rewrites manifests written for an older Envoy AI Gateway release (v0.2–v1.0) for the target "
                "release: targetRefs → parentRefs, route schema and filterConfig (→ GatewayConfig) removed, "
                "backendSecurityPolicyRef → policy targetRefs, OpenAI schema.version → prefix, Service backendRefs "
                "→ Envoy Gateway Backends, backend timeouts → rule timeouts, BackendTLSPolicy v1alpha3 → v1, "
                "alpha InferencePools → v1, v1alpha1 → v1beta1. Returns the new YAML, every change with its reason, warnings for what needs "
                "a human, and the validation of the result. Next: review the changes, then aigw_explain."
            ),
            input_model="server.mcp.analysis_models:MigrateInput",
            output_model="server.mcp.analysis_models:MigrationOut",
            run=lambda inp: load(f"{MODELS}:run_migrate")(inp, crds_path),
            skill="aigw-migrate",
        ),
        ToolSpec(
            name="aigw_explain",
            title="Explain AI Gateway manifests",
            description=(
                "Summarizes Kubernetes manifests for Envoy AI Gateway and draws their topology as a Mermaid "
                "flowchart: Gateway → AIGatewayRoute → rules (models) → AIServiceBackend → Backend → provider "
                "(or InferencePool → pods), Gateway → MCPRoute → MCP servers, with BackendSecurityPolicy, "
                "BackendTLSPolicy, ClientTrafficPolicy, BackendTrafficPolicy, GatewayConfig and EnvoyPatchPolicy "
                "attached. Use to review generated or existing manifests before applying them. Next: aigw_validate on the same manifests."
            ),
            input_model="server.mcp.analysis_models:ExplainInput",
            output_model="server.mcp.analysis_models:ExplanationOut",
            run=lambda inp: load(f"{MODELS}:run_explain")(inp),
            skill="aigw-explain",
        ),
        ToolSpec(
            name="aigw_trace",
            title="Trace a request through AI Gateway manifests",
            description=(
                "Follows one request (path, model, headers, the caller's credential kind) through Envoy AI "
                "Gateway manifests as the controllers build the data path: Gateway listener → AIGatewayRoute "
                "rule → backends with priority and weight → endpoint × schema translation → model override → "
                "BackendSecurityPolicy credential → BackendTrafficPolicy (attached or Conflicted) → client "
                "SecurityPolicy → upstream host, port and path. Each step names the object that decided it and "
                "the upstream reason; a failing step says what to change. Returns a Mermaid sequence diagram "
                "too. Use when a request 404s, 401s or never reaches a provider. Next: fix the manifests, then "
                "aigw_validate."
            ),
            input_model=f"{MODELS}:TraceInput",
            output_model=f"{MODELS}:TraceOut",
            run=lambda inp: load(f"{MODELS}:run_trace")(inp),
            skill="aigw-trace",
        ),
    ]
