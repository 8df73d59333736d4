"""Exit codes of every `aigw-skills` command, defined once (no imports, so any front door may read them cheaply).

0: done, nothing wrong. 1: the work found errors (findings, an invalid bundle, stale docs, a failed download).
2: usage errors and unreadable input. 130: interrupted (Ctrl-C).
"""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
