"""What every `aigw-skills` command promises its caller, defined once: exit codes and the environment variables
it reads, and where the user cache is. Nothing beyond os and pathlib is imported, so any front door (even the
`serve` fast path) reads it for free.

Exit codes: 0 done, nothing wrong; 1 the work found errors (findings, an invalid bundle, stale docs, a failed
download); 2 usage errors and unreadable input; 130 interrupted (Ctrl-C).
"""

import os
from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

CRDS_ENV = "AIGW_SKILLS_CRDS"  # the user's default for --crds (read by the front doors only, never passed on)
CACHE_ENV = "AIGW_SKILLS_CACHE"  # the user cache: pulled CRDs and their index, built tool schemas


def cache_root() -> Path:
    """The user cache: ``$AIGW_SKILLS_CACHE``, else ``$XDG_CACHE_HOME/aigw-skills``, else ``~/.cache/aigw-skills``."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "aigw-skills"
    return Path.home() / ".cache" / "aigw-skills"
