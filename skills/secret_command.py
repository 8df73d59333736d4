"""The command that creates (or updates) a Secret at apply time from an environment variable or a file.

Every skill that needs a Secret (auth, clientauth, observability, mcproute) emits this one command into the
bundle's secrets.sh; the value is never an input, an output or an argument on the command line.
"""

from __future__ import annotations

from skills import shell


def secret_command(name: str, namespace: str, key: str, source: str) -> str:
    """Idempotent kubectl pipeline creating/updating a Secret from an env var or file, value never in argv.

    Both read the value on stdin (``--from-file=KEY=/dev/stdin``): kubectl splits a ``--from-file`` argument at
    ',' and '=', so a path holding either (which FilePath allows) cannot be passed there; the shell opens a file
    path in a redirection whatever it holds."""
    apply = shell.command("kubectl", "apply", "-f", "-")
    create = ("kubectl", "create", "secret", "generic", name, "-n", namespace)
    dry_run = ("--dry-run=client", "-o", "yaml")
    from_stdin = shell.join(f"--from-file={key}=/dev/stdin")
    if source.startswith("env:"):
        value = shell.command("printf", "%s", shell.env_value(source[4:]))
        return shell.pipeline(value, shell.command(*create, from_stdin, *dry_run), apply)
    create_secret = shell.reading(shell.command(*create, from_stdin, *dry_run), shell.path(source[5:]))
    return shell.pipeline(create_secret, apply)
