#!/usr/bin/env bash
# Creates the Secrets the BackendSecurityPolicies read. Values come from the environment or files
# named below at run time; none is stored in this bundle. Safe to re-run (kubectl apply).
set -euo pipefail
missing=0
test -n "${AZURE_CLIENT_SECRET:-}" || { printf '%s\n' 'secrets.sh: set AZURE_CLIENT_SECRET (used by BackendSecurityPolicy/default/azure-openai-auth)' >&2; missing=1; }
[ "$missing" = 0 ] || exit 1

# default/azure-openai-client-secret: key client-secret, read by BackendSecurityPolicy/default/azure-openai-auth
printf %s "${AZURE_CLIENT_SECRET:?set AZURE_CLIENT_SECRET first}" | kubectl create secret generic azure-openai-client-secret -n default --from-file=client-secret=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
