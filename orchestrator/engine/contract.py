"""What every `aigw-skills` command promises its caller, defined once: exit codes and the environment variables
it reads. No imports, so any front door (even the `serve` fast path) reads it for free.

Exit codes: 0 done, nothing wrong; 1 the work found errors (findings, an invalid bundle, stale docs, a failed
download); 2 usage errors and unreadable input; 130 interrupted (Ctrl-C).
"""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

CRDS_ENV = "AIGW_SKILLS_CRDS"  # the user's default for --crds (read by the front doors only, never passed on)
CACHE_ENV = "AIGW_SKILLS_CACHE"  # where `crds pull` keeps the per-version CRD cache (default: the XDG cache)
