#!/usr/bin/env bash
# Creates the Secrets the BackendSecurityPolicies read. Values come from the environment or files
# named below at run time; none is stored in this bundle. Safe to re-run (kubectl apply).
set -euo pipefail
missing=0
test -n "${ANTHROPIC_API_KEY:-}" || { printf '%s\n' 'secrets.sh: set ANTHROPIC_API_KEY (used by BackendSecurityPolicy/default/anthropic-auth)' >&2; missing=1; }
test -n "${TEAM_A_GATEWAY_KEY:-}" || { printf '%s\n' 'secrets.sh: set TEAM_A_GATEWAY_KEY (used by SecurityPolicy/default/ai-gateway-apikey)' >&2; missing=1; }
test -n "${TEAM_B_GATEWAY_KEY:-}" || { printf '%s\n' 'secrets.sh: set TEAM_B_GATEWAY_KEY (used by SecurityPolicy/default/ai-gateway-apikey)' >&2; missing=1; }
[ "$missing" = 0 ] || exit 1

# default/anthropic-apikey: key apiKey, read by BackendSecurityPolicy/default/anthropic-auth
printf %s "${ANTHROPIC_API_KEY:?set ANTHROPIC_API_KEY first}" | kubectl create secret generic anthropic-apikey -n default --from-file=apiKey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
# default/ai-gateway-apikey-team-a: key team-a, read by SecurityPolicy/default/ai-gateway-apikey
printf %s "${TEAM_A_GATEWAY_KEY:?set TEAM_A_GATEWAY_KEY first}" | kubectl create secret generic ai-gateway-apikey-team-a -n default --from-file=team-a=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
# default/ai-gateway-apikey-team-b: key team-b, read by SecurityPolicy/default/ai-gateway-apikey
printf %s "${TEAM_B_GATEWAY_KEY:?set TEAM_B_GATEWAY_KEY first}" | kubectl create secret generic ai-gateway-apikey-team-b -n default --from-file=team-b=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
