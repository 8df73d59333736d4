"""Every finding `aigw-skills doctor` can report, by stable id: the layer it belongs to and where upstream decides it.

Ids never change meaning once released; a check that goes away leaves its id unused. Layers order the summary
(fix the install before the configuration, the configuration before the data plane, and so on): a problem in
an earlier layer often explains the findings of a later one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning", "info"]
Layer = Literal["install", "eg-config", "data-plane", "status", "references", "routing", "lint"]

LAYERS: tuple[Layer, ...] = ("install", "eg-config", "data-plane", "status", "references", "routing", "lint")
LAYER_TITLES: dict[str, str] = {
    "install": "versions and controllers",
    "eg-config": "Envoy Gateway configuration",
    "data-plane": "Envoy proxies and the AI Gateway filter",
    "status": "object status",
    "references": "referenced Secrets",
    "routing": "model routing",
    "lint": "configuration lint",
}


@dataclass(frozen=True)
class Check:
    """One kind of finding: id, one-line title, layer and the upstream source that decides the behaviour."""

    id: str
    title: str
    layer: Layer
    reference: str
    fix: str = ""  # the shape of the fix command each finding of this id carries (filled in below)


_AIGW = "envoyproxy/ai-gateway"
_EG = "envoyproxy/gateway"

CHECKS: dict[str, Check] = {
    c.id: c
    for c in (
        Check(
            "AIGW-D001",
            "an object is not Accepted by its controller",
            "status",
            f"{_AIGW} internal/controller/controller.go@v1.1.0 (newConditions); "
            f"{_EG} internal/gatewayapi/status/@v1.8.1; {_AIGW}#1119, #130",
        ),
        Check(
            "AIGW-D002",
            "an object's references do not resolve (ResolvedRefs is False)",
            "status",
            f"{_EG} internal/gatewayapi/validate.go@v1.8.1; {_AIGW} internal/controller/inference_pool.go@v1.1.0",
        ),
        Check(
            "AIGW-D003",
            "a policy is Conflicted: another policy of the same kind already attaches to the target",
            "status",
            f"{_EG} internal/gatewayapi/backendtrafficpolicy.go@v1.8.1 (one policy per target); {_AIGW}#1754",
        ),
        Check(
            "AIGW-D004",
            "a Gateway or listener is not Programmed",
            "status",
            f"{_EG} internal/gatewayapi/status/gateway.go@v1.8.1 (updateGatewayProgrammedCondition)",
        ),
        Check(
            "AIGW-D005",
            "no controller has reported status on an object",
            "status",
            f"{_AIGW} internal/controller/controller.go@v1.1.0; {_EG} internal/gatewayapi/status/@v1.8.1",
        ),
        Check(
            "AIGW-D006",
            "an object's status is older than its spec (observedGeneration behind)",
            "status",
            "Kubernetes API conventions (metav1.Condition.observedGeneration)",
        ),
        Check(
            "AIGW-D010",
            "the envoy-gateway-config ConfigMap is missing",
            "eg-config",
            f"{_EG} charts/gateway-helm/templates/envoy-gateway-config.yaml@v1.8.1",
        ),
        Check(
            "AIGW-D011",
            "Envoy Gateway's extension manager hooks are missing or incomplete",
            "eg-config",
            f"{_AIGW} manifests/envoy-gateway-values.yaml@v1.1.0; {_AIGW}#2560",
        ),
        Check(
            "AIGW-D012",
            "the extension manager does not point at the AI Gateway controller's gRPC service",
            "eg-config",
            f"{_AIGW} manifests/envoy-gateway-values.yaml@v1.1.0, manifests/charts/ai-gateway-helm/values.yaml@v1.1.0",
        ),
        Check(
            "AIGW-D013",
            "Envoy Gateway's Backend API is disabled",
            "eg-config",
            f"{_EG} internal/gatewayapi/validate.go@v1.8.1 (validateBackendRefBackend); {_AIGW}#829",
        ),
        Check(
            "AIGW-D014",
            "EnvoyPatchPolicy is disabled in Envoy Gateway",
            "eg-config",
            f"{_AIGW} manifests/envoy-gateway-values.yaml@v1.1.0 (extensionApis.enableEnvoyPatchPolicy)",
        ),
        Check(
            "AIGW-D015",
            "InferencePools are used but Envoy Gateway does not know the InferencePool backend resource",
            "eg-config",
            f"{_AIGW} examples/inference-pool/envoy-gateway-values-addon.yaml@v1.1.0",
        ),
        Check(
            "AIGW-D016",
            "a global rate limit is configured but Envoy Gateway has no rate limit backend",
            "eg-config",
            f"{_EG} internal/gatewayapi/backendtrafficpolicy.go@v1.8.1; {_AIGW}#1754",
        ),
        Check(
            "AIGW-D017",
            "a GatewayClass names a controller this Envoy Gateway does not run",
            "eg-config",
            f"{_EG} charts/gateway-helm/values.tmpl.yaml@v1.8.1 (config.envoyGateway.gateway.controllerName)",
        ),
        Check(
            "AIGW-D020",
            "an Envoy proxy pod of an AI Gateway runs without the extproc sidecar",
            "data-plane",
            f"{_AIGW} internal/controller/gateway_mutator.go@v1.1.0 (mutatePod); {_AIGW}#1495, #1493",
        ),
        Check(
            "AIGW-D021",
            "the AI Gateway pod-mutating webhook is missing, misdirected or may be skipped",
            "data-plane",
            f"{_AIGW} manifests/charts/ai-gateway-helm/templates/admission_webhook.yaml@v1.1.0; {_AIGW}#1495",
        ),
        Check(
            "AIGW-D022",
            "a Gateway with AI routes has no Envoy proxy pods",
            "data-plane",
            f"{_EG} internal/infrastructure/kubernetes/proxy/resource.go@v1.8.1 (EnvoyAppLabel)",
        ),
        Check(
            "AIGW-D023",
            "the extproc sidecar is not ready",
            "data-plane",
            f"{_AIGW} internal/controller/extproc_builder.go@v1.1.0",
        ),
        Check(
            "AIGW-D024",
            "no extproc filter-config Secret exists for a Gateway with AI routes",
            "data-plane",
            f"{_AIGW} internal/controller/gateway_mutator.go@v1.1.0, internal/controller/secret_name.go@v1.1.0",
        ),
        Check(
            "AIGW-D025",
            "a Gateway with AI routes lives in Envoy Gateway's own namespace",
            "data-plane",
            f"{_AIGW}#1708 (open: no ext_proc filter for Gateways in envoy-gateway-system)",
        ),
        Check(
            "AIGW-D030",
            "Envoy's listeners lack the AI Gateway ext_proc filter",
            "data-plane",
            f"{_AIGW} internal/extensionserver/post_translate_modify.go@v1.1.0; {_AIGW}#2560, #829",
        ),
        Check(
            "AIGW-D031",
            "Envoy has no cluster for the extproc Unix socket (run.sock)",
            "data-plane",
            f"{_AIGW} internal/extensionserver/post_translate_modify.go@v1.1.0, cmd/controller/main.go@v1.1.0",
        ),
        Check(
            "AIGW-D032",
            "the ext_proc filter is present but no route enables it",
            "data-plane",
            f"{_AIGW} internal/extensionserver/post_translate_modify.go@v1.1.0 (enableRouterLevelAIGatewayExtProcOnRoute)",
        ),
        Check(
            "AIGW-D040",
            "a Secret a policy reads does not exist",
            "references",
            f"{_AIGW} internal/controller/gateway.go@v1.1.0 (getSecretData; the backend is skipped)",
        ),
        Check(
            "AIGW-D041",
            "a Secret lacks the key its policy type reads",
            "references",
            f"{_AIGW} internal/controller/gateway.go@v1.1.0, internal/controller/backend_security_policy.go@v1.1.0",
        ),
        Check(
            "AIGW-D042",
            "a BackendSecurityPolicy names a Secret in another namespace, which the gateway controller ignores",
            "references",
            f"{_AIGW} internal/controller/gateway.go@v1.1.0 (bspToFilterAPIBackendAuth reads the policy's namespace)",
        ),
        Check(
            "AIGW-D050",
            "an AI Gateway CRD does not serve the API version the controller and objects use",
            "install",
            f"{_AIGW} manifests/charts/ai-gateway-crds-helm@v1.1.0; {_AIGW}#2091",
        ),
        Check(
            "AIGW-D051",
            "Envoy Gateway's version does not match the AI Gateway release",
            "install",
            f"{_AIGW} site docs _vars.json (EG 1.8.1 for AI Gateway 1.1); {_EG}#7709",
        ),
        Check(
            "AIGW-D052",
            "the Gateway API CRDs are not the version Envoy Gateway is built against",
            "install",
            "kubernetes-sigs/gateway-api CRD annotation gateway.networking.k8s.io/bundle-version; "
            f"{_EG} compatibility matrix",
        ),
        Check(
            "AIGW-D053",
            "the Inference Extension CRDs are not the version the AI Gateway release expects",
            "install",
            "kubernetes-sigs/gateway-api-inference-extension CRD annotation inference.networking.k8s.io/bundle-version",
        ),
        Check(
            "AIGW-D054",
            "the AI Gateway CRDs are from an older release than the controller",
            "install",
            f"{_AIGW} manifests/charts/ai-gateway-crds-helm@v1.1.0 (helm does not upgrade CRDs); {_AIGW}#2091",
        ),
        Check(
            "AIGW-D055",
            "the AI Gateway or Envoy Gateway controller is missing or has no available replica",
            "install",
            f"{_AIGW} manifests/charts/ai-gateway-helm/templates/deployment.yaml@v1.1.0",
        ),
        Check(
            "AIGW-D060",
            "no rule on any AI route matches a model you asked about",
            "routing",
            f"{_AIGW} internal/controller/ai_gateway_route.go@v1.1.0 (route-not-found rule, 404); {_AIGW}#1485, #1944",
        ),
        Check(
            "AIGW-D061",
            "a rule matches on a model header the gateway never sets",
            "routing",
            f"{_AIGW} internal/controller/ai_gateway_route.go@v1.1.0; the extproc sets x-ai-eg-model; {_AIGW}#1172",
        ),
        Check(
            "AIGW-D063",
            "a token rate limit reads a cost the AI routes never write",
            "routing",
            f"{_AIGW} examples/token_ratelimit/token_ratelimit.yaml@v1.1.0 (llmRequestCosts metadataKey, "
            f"namespace io.envoy.ai_gateway); {_AIGW}#1754",
        ),
        Check(
            "AIGW-D064",
            "a request for a model, traced through the live objects, fails or is at risk",
            "routing",
            "aigw-skills tracer (orchestrator/analysis/trace), which cites the upstream source of each step",
        ),
        Check(
            "AIGW-D062",
            "an Accepted AIGatewayRoute has no generated HTTPRoute",
            "routing",
            f"{_AIGW} internal/controller/ai_gateway_route.go@v1.1.0 (syncAIGatewayRoute)",
        ),
    )
}

FIXES: dict[str, str] = {
    "AIGW-D001": "kubectl edit the object (or create what the message names); confirm in the controller's logs",
    "AIGW-D002": "create the referenced object or correct the reference (Backend API off: see AIGW-D013)",
    "AIGW-D003": "merge the settings into the attached policy, then kubectl delete the conflicted one",
    "AIGW-D004": "kubectl get pods,svc -n <eg-namespace> -l gateway.envoyproxy.io/owning-gateway-name=<gateway>",
    "AIGW-D005": "kubectl describe the object; read the controller's logs",
    "AIGW-D006": "read the controller's logs (kubectl logs deployment/<controller>)",
    "AIGW-D010": "helm upgrade -i eg oci://docker.io/envoyproxy/gateway-helm -f envoy-gateway-values.yaml",
    "AIGW-D011": "helm upgrade eg oci://docker.io/envoyproxy/gateway-helm --reuse-values -f envoy-gateway-values.yaml",
    "AIGW-D012": "set extensionManager.service.fqdn to ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local:1063",
    "AIGW-D013": "helm upgrade eg … --set config.envoyGateway.extensionApis.enableBackend=true",
    "AIGW-D014": "helm upgrade eg … -f envoy-gateway-values.yaml (enableEnvoyPatchPolicy: true)",
    "AIGW-D015": "helm upgrade eg … -f examples/inference-pool/envoy-gateway-values-addon.yaml",
    "AIGW-D016": "helm upgrade eg … -f examples/token_ratelimit/envoy-gateway-values-addon.yaml",
    "AIGW-D017": "use a GatewayClass with controllerName gateway.envoyproxy.io/gatewayclass-controller",
    "AIGW-D020": "kubectl rollout restart deployment -n <eg-namespace> -l gateway.envoyproxy.io/owning-gateway-name=<gateway>,…",
    "AIGW-D021": "kubectl patch the webhook's failurePolicy to Fail, or helm upgrade the AI Gateway chart",
    "AIGW-D022": "kubectl get deployment -n <eg-namespace> -l gateway.envoyproxy.io/owning-gateway-name=<gateway>,…",
    "AIGW-D023": "kubectl logs -n <eg-namespace> <pod> -c ai-gateway-extproc --previous",
    "AIGW-D024": "kubectl rollout restart -n envoy-ai-gateway-system deployment/ai-gateway-controller",
    "AIGW-D025": "move the Gateway and its routes to an application namespace",
    "AIGW-D030": "fix AIGW-D011, then kubectl rollout restart -n <eg-namespace> deployment/envoy-gateway",
    "AIGW-D031": "fix AIGW-D011, then kubectl rollout restart -n <eg-namespace> deployment/envoy-gateway",
    "AIGW-D032": "kubectl rollout restart -n envoy-ai-gateway-system deployment/ai-gateway-controller",
    "AIGW-D040": 'printf %s "$VAR" | kubectl create secret generic <name> -n <ns> --from-file=<key>=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -',
    "AIGW-D041": "the same command with the key the policy type reads (apiKey, credentials, client-secret, service_account.json)",
    "AIGW-D042": "create the Secret in the policy's namespace and drop secretRef.namespace",
    "AIGW-D050": "helm upgrade -i aieg-crd oci://docker.io/envoyproxy/ai-gateway-crds-helm --version <release> --take-ownership",
    "AIGW-D051": "helm upgrade eg oci://docker.io/envoyproxy/gateway-helm --version <profile's EG version> --reset-then-reuse-values",
    "AIGW-D052": "install the Gateway API CRDs of the profile's version (the Envoy Gateway chart ships them)",
    "AIGW-D053": "install the Inference Extension CRDs of the profile's version",
    "AIGW-D054": "helm upgrade -i aieg-crd oci://docker.io/envoyproxy/ai-gateway-crds-helm --version <controller's release> --take-ownership",
    "AIGW-D055": "install the missing controller (aigw-skills install prints the helm commands) or kubectl rollout status it",
    "AIGW-D060": "add a rule matching x-ai-eg-model: <model> (aigw-skills route, or kubectl edit aigatewayroute)",
    "AIGW-D061": "match x-ai-eg-model instead (kubectl edit aigatewayroute)",
    "AIGW-D063": "add llmRequestCosts with that metadataKey to the AIGatewayRoute (aigw-skills ratelimit)",
    "AIGW-D064": "the traced step's fix (each step names the object and field that decide it)",
    "AIGW-D062": "kubectl rollout restart -n envoy-ai-gateway-system deployment/ai-gateway-controller",
}
CHECKS = {k: replace(c, fix=FIXES[k]) for k, c in CHECKS.items()}

LINT_REFERENCE = "aigw-skills lint rule (aigw-skills validate --help lists the rules)"


def describe_checks() -> str:
    """The id table for `doctor --help`: id, layer and title, one line each."""
    return "\n".join(f"  {c.id}  {c.layer:<10}  {c.title}\n{'':<25}fix: {c.fix}" for c in CHECKS.values())
