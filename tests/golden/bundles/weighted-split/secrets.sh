#!/usr/bin/env bash
# Creates the Secrets the BackendSecurityPolicies read. Values come from the environment or files
# named below at run time; none is stored in this bundle. Safe to re-run (kubectl apply).
set -euo pipefail
missing=0
test -n "${OPENAI_API_KEY:-}" || { printf '%s\n' 'secrets.sh: set OPENAI_API_KEY (used by BackendSecurityPolicy/default/openai-auth)' >&2; missing=1; }
test -n "${AZURE_OPENAI_API_KEY:-}" || { printf '%s\n' 'secrets.sh: set AZURE_OPENAI_API_KEY (used by BackendSecurityPolicy/default/azure-openai-auth)' >&2; missing=1; }
[ "$missing" = 0 ] || exit 1

# default/openai-apikey: key apiKey, read by BackendSecurityPolicy/default/openai-auth
printf %s "${OPENAI_API_KEY:?set OPENAI_API_KEY first}" | kubectl create secret generic openai-apikey -n default --from-file=apiKey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
# default/azure-openai-apikey: key apiKey, read by BackendSecurityPolicy/default/azure-openai-auth
printf %s "${AZURE_OPENAI_API_KEY:?set AZURE_OPENAI_API_KEY first}" | kubectl create secret generic azure-openai-apikey -n default --from-file=apiKey=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -
