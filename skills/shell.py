"""Shell text for the scripts the project writes, assembled from quoted tokens only.

Every value that reaches a script becomes one shell word through :func:`shlex.quote`; the only text that is not
quoted is built here from fixed forms (``"$HOME"`` before a quoted rest of a path, ``"${VAR:?...}"`` for an
environment variable whose name is checked), so no value can add a word, an operator or an expansion.
Messages go through ``printf '%s\\n'``, never inside a double-quoted ``echo``. Comments drop line breaks and
control characters so a value can never start a new line of the script.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


@dataclass(frozen=True)
class Word:
    """Shell text that is already safe: built only by this module's functions."""

    text: str


Token = str | Word


def _text(token: Token) -> str:
    return token.text if isinstance(token, Word) else shlex.quote(token)


def join(*parts: Token) -> Word:
    """One shell word from adjacent parts (quoted strings and safe words), e.g. --from-file=key=PATH."""
    return Word("".join(_text(p) for p in parts))


def command(*tokens: Token) -> str:
    """One simple command: every token a separate, quoted word."""
    return " ".join(_text(t) for t in tokens)


def pipeline(*commands: str) -> str:
    return " | ".join(commands)


def reading(command: str, path: Word) -> str:
    """``command`` with its standard input read from the file ``path`` (a word from :func:`path`)."""
    return f"{command} < {path.text}"


def env_value(name: str) -> Word:
    """The value of environment variable ``name``; the script stops with a message when it is unset."""
    if not _ENV_NAME.match(name):
        raise ValueError(f"not an environment variable name: {name!r}")
    return Word(f'"${{{name}:?set {name} first}}"')


def env_is_set(name: str) -> str:
    """A test that is true when environment variable ``name`` is set and not empty."""
    if not _ENV_NAME.match(name):
        raise ValueError(f"not an environment variable name: {name!r}")
    return f'test -n "${{{name}:-}}"'


def path(value: str) -> Word:
    """A file path as one word; a leading ``~`` or ``~/`` stays the user's home (quoting would pass '~' on)."""
    if value == "~":
        return Word('"$HOME"')
    if value.startswith("~/"):
        return Word('"$HOME"' + shlex.quote(value[1:]))
    return Word(shlex.quote(value))


def say(message: str, *, stderr: bool = True) -> str:
    """Print ``message`` (on stderr by default) as data: printf's format is fixed, the message its argument."""
    return command("printf", "%s\\n", message) + (" >&2" if stderr else "")


def comment(text: str) -> str:
    """A comment line; line breaks and control characters in ``text`` become spaces."""
    return "# " + _CONTROL.sub(" ", text)
