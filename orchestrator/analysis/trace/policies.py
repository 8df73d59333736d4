"""Envoy Gateway policies on the traced request: which BackendTrafficPolicy applies (and which are Conflicted),
and what the client SecurityPolicy asks the caller to send.

Attachment follows Envoy Gateway v1.8.1 (see orchestrator.engine.lint.attachment): one policy of a kind per
target, the most specific target (route rule, route, listener, Gateway) wins for the request.
"""

from __future__ import annotations

from orchestrator.analysis.trace.gateway import Entry, Match
from orchestrator.analysis.trace.model import Stage, Step, TraceRequest
from orchestrator.engine.lint.attachment import Attachment, Target, attachments, settings, source
from orchestrator.engine.lint.index import Resource, ResourceIndex, as_dict, as_list

RETRY_ISSUE = "priorities only fail over on retry (envoyproxy/ai-gateway#1497)"


def _applicable(index: ResourceIndex, kind: str, match: Match, entry: Entry) -> list[Attachment]:
    """The attachments of ``kind`` that cover this request, most specific first."""
    route, rule_name = match.route, match.rule.get("name")
    route_kind = "HTTPRoute"  # an AIGatewayRoute's policies attach to its generated HTTPRoute
    wanted = [
        Target(
            route_kind,
            route.namespace or "default",
            route.name,
            rule_name if isinstance(rule_name, str) else "\0",
        ),
        Target(route_kind, route.namespace or "default", route.name, None),
        Target("Gateway", entry.namespace, entry.name, entry.listener or "\0"),
        Target("Gateway", entry.namespace, entry.name, None),
    ]
    found = {a.target: a for a in attachments(index, kind)}
    return [found[t] for t in wanted if t in found]


def _conflict_steps(kind: str, stage: Stage, atts: list[Attachment]) -> list[Step]:
    out = []
    for att in atts:
        for loser in att.conflicted:
            lost = ", ".join(settings(loser)) or "settings"
            out.append(
                Step(
                    stage,
                    "warn",
                    f"{kind} {loser.name} is Conflicted on {att.target.describe()} ({att.winner.name} attached "
                    f"first): its {lost} {'does' if len(settings(loser)) == 1 else 'do'} not apply to this request",
                    f"{kind}/{loser.namespace}/{loser.name}",
                    f"one {kind} per target, oldest first, then namespace/name ({source(kind)})",
                    f"Merge {loser.name} into {att.winner.name}.",
                )
            )
    return out


def _identity_headers(policy: Resource) -> dict[str, str]:
    """Header (lower case) -> what sets it from the verified caller: JWT ``claimToHeaders`` and API-key
    ``forwardClientIDHeader`` (envoyproxy/gateway api/v1alpha1/jwt_types.go, api_key_auth_types.go@v1.8.1). The
    client auth filter runs before the rate limit filter, so a budget keyed on such a header counts the caller."""
    out: dict[str, str] = {}
    for provider in as_list(as_dict(policy.spec.get("jwt")).get("providers")):
        for claim in as_list(as_dict(provider).get("claimToHeaders")):
            if isinstance(claim, dict) and isinstance(claim.get("header"), str):
                out[claim["header"].lower()] = f"the JWT's {claim.get('claim')} claim"
    forwarded = as_dict(policy.spec.get("apiKeyAuth")).get("forwardClientIDHeader")
    if isinstance(forwarded, str):
        out[forwarded.lower()] = "the API key's client id"
    return out


def _describe_traffic(policy: Resource, req: TraceRequest, auth: Resource | None = None) -> str:
    parts = []
    retry = as_dict(policy.spec.get("retry"))
    if retry:
        parts.append(f"retry up to {retry.get('numRetries', 2)} times")
    if policy.spec.get("healthCheck"):
        parts.append("passive health check ejects failing endpoints")
    limit = as_dict(policy.spec.get("rateLimit"))
    if limit:
        rules = as_list(as_dict(limit.get(str(limit.get("type", "")).lower())).get("rules"))
        headers = sorted(
            {
                str(h.get("name"))
                for r in rules
                for sel in as_list(as_dict(r).get("clientSelectors"))
                for h in as_list(as_dict(sel).get("headers"))
                if isinstance(h, dict)
            }
        )
        text = f"{limit.get('type', '')} rate limit, {len(rules)} rule{'s' if len(rules) != 1 else ''}"
        identity = _identity_headers(auth) if auth is not None else {}
        verified = [h for h in headers if h.lower() in identity]
        unset = [h for h in headers if h.lower() not in identity and req.header(h) is None]
        if headers:
            text += f" keyed on {', '.join(headers)}"
        if verified and auth is not None:
            text += (
                f" ({', '.join(f'{h} from {identity[h.lower()]}' for h in verified)}, set by SecurityPolicy "
                f"{auth.name} once the caller authenticates, so each caller has its own budget)"
            )
        if unset:
            text += f" (this request sends no {', '.join(unset)}, so those rules do not count it)"
        parts.append(text)
    return "; ".join(parts) or "no retry or rate limit settings"


def traffic_steps(
    index: ResourceIndex, match: Match, entry: Entry, req: TraceRequest, has_fallback: bool
) -> list[Step]:
    kind = "BackendTrafficPolicy"
    atts = _applicable(index, kind, match, entry)
    steps = _conflict_steps(kind, "traffic", atts)
    if not atts:
        steps.insert(
            0,
            Step(
                "traffic",
                "warn" if has_fallback else "info",
                "no BackendTrafficPolicy applies: no retries, so a failed attempt goes back to the client"
                + (f"; {RETRY_ISSUE}" if has_fallback else ""),
                f"HTTPRoute/{match.route.namespace}/{match.route.name}",
                fix="Attach a BackendTrafficPolicy with spec.retry to the route's HTTPRoute."
                if has_fallback
                else "",
            ),
        )
        return steps
    chosen = atts[0]
    policy = chosen.winner
    security = _applicable(index, "SecurityPolicy", match, entry)
    auth = security[0].winner if security else None
    merged = ""
    if len(atts) > 1 and policy.spec.get("mergeType"):
        merged = f" (merged with {atts[1].winner.name} per mergeType {policy.spec['mergeType']})"
    elif len(atts) > 1:
        merged = f"; {atts[1].winner.name} on {atts[1].target.describe()} is Overridden for this route"
    steps.insert(
        0,
        Step(
            "traffic",
            "ok",
            f"{kind} {policy.name} on {chosen.target.describe()}: {_describe_traffic(policy, req, auth)}{merged}",
            f"{kind}/{policy.namespace}/{policy.name}",
            f"the most specific {kind} applies ({source(kind)})",
        ),
    )
    if has_fallback and not any(a.winner.spec.get("retry") for a in atts):
        steps.append(
            Step(
                "traffic",
                "warn",
                f"the rule has fallback backends but no applicable policy retries: {RETRY_ISSUE}",
                f"{kind}/{policy.namespace}/{policy.name}",
                fix=f"Add spec.retry to {policy.name}.",
            )
        )
    return steps


def _requirement(policy: Resource) -> tuple[str, str, list[str]]:
    """(credential kind, what the caller must send, header names that carry it)."""
    spec = policy.spec
    if spec.get("apiKeyAuth"):
        api = as_dict(spec["apiKeyAuth"])
        headers = [
            str(h if isinstance(h, str) else as_dict(h).get("name"))
            for source_ in as_list(api.get("extractFrom"))
            for h in as_list(as_dict(source_).get("headers"))
        ] or ["x-api-key"]
        secrets = ", ".join(str(as_dict(r).get("name")) for r in as_list(api.get("credentialRefs")))
        return "api-key", f"an API key in header {' or '.join(headers)} (keys from Secret {secrets})", headers
    if spec.get("jwt"):
        providers = [as_dict(p) for p in as_list(as_dict(spec["jwt"]).get("providers"))]
        issuers = ", ".join(str(p.get("issuer")) for p in providers) or "the configured issuer"
        headers = [
            str(as_dict(h).get("name"))
            for p in providers
            for h in as_list(as_dict(p.get("extractFrom")).get("headers"))
        ] or ["Authorization"]
        return "jwt", f"a JWT from {issuers} in {' or '.join(headers)} (Bearer)", headers
    if spec.get("basicAuth"):
        return (
            "basic",
            "HTTP basic credentials (Authorization: Basic) checked against an htpasswd Secret",
            ["Authorization"],
        )
    if spec.get("oidc"):
        return "oidc", "a browser session from the OIDC login flow (API clients are redirected)", []
    if spec.get("extAuth"):
        return "ext-auth", "whatever the external authorization service accepts", []
    return "other", "what the policy's authorization rules allow", []


def client_auth_steps(index: ResourceIndex, match: Match, entry: Entry, req: TraceRequest) -> list[Step]:
    kind = "SecurityPolicy"
    atts = _applicable(index, kind, match, entry)
    steps = _conflict_steps(kind, "client-auth", atts)
    if not atts:
        steps.insert(
            0,
            Step(
                "client-auth",
                "info",
                "no SecurityPolicy applies: the gateway admits any caller",
                f"HTTPRoute/{match.route.namespace}/{match.route.name}",
                actor="client",
            ),
        )
        return steps
    policy = atts[0].winner
    needs, what, headers = _requirement(policy)
    where = f"{kind}/{policy.namespace}/{policy.name}"
    reason = f"the most specific {kind} applies ({source(kind)})"
    presented = req.credentials
    if presented is None:
        sent = [h for h in headers if req.header(h) is not None]
        if sent:
            steps.insert(
                0, Step("client-auth", "ok", f"the caller sends {what}", where, reason, actor="client")
            )
        else:
            steps.insert(
                0, Step("client-auth", "info", f"the caller must send {what}", where, reason, actor="client")
            )
        return steps
    if needs in ("oidc", "ext-auth", "other") or presented == needs:
        steps.insert(
            0,
            Step(
                "client-auth",
                "ok",
                f"the caller presents {presented}; {policy.name} asks for {what}",
                where,
                reason,
                actor="client",
            ),
        )
        return steps
    steps.insert(
        0,
        Step(
            "client-auth",
            "fail",
            f"the caller presents {presented} but {policy.name} asks for {what}: Envoy answers 401",
            where,
            reason,
            f"Send {what}.",
            actor="client",
        ),
    )
    return steps
