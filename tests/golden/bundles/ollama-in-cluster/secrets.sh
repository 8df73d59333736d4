#!/usr/bin/env bash
# Creates the Secrets the BackendSecurityPolicies read. Values come from the environment or files
# named below at run time; none is stored in this bundle. Safe to re-run (kubectl apply).
set -euo pipefail
missing=0
[ "$missing" = 0 ] || exit 1

printf '%s\n' 'secrets.sh: this bundle needs no Secrets'
