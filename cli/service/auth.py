"""API keys: ``Authorization: Bearer <key>`` on everything but ``/health/*``.

The keys file holds one key per line; blank lines and lines starting with ``#`` are
ignored, and spaces around a key are dropped. Keys are compared in constant time
(:func:`hmac.compare_digest`), against every configured key, so the time taken says
nothing about how much of a key was right.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

from ..texts import labels
from . import lang as langs
from .asgi import ASGIApp, Receive, Scope, Send, send_problem
from .problems import ProblemError

KEYS_ENV = "BACKUP_DOCTOR_API_KEYS"
"""How ``serve`` tells its worker processes where the keys file is."""

MIN_KEY_CHARS = 16

class KeysFileError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(labels("keys_file", "en")[key].format(**params))
        self.key, self.params = key, params

    def render(self, lang: str) -> str:
        # The texts of `serve --api-keys` errors, shown before the service starts.
        return labels("keys_file", lang)[self.key].format(**self.params)


def load_keys(path: str | os.PathLike[str]) -> tuple[bytes, ...]:
    """The keys of *path*; raises :class:`KeysFileError` when it is unreadable, empty or odd."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise KeysFileError("unreadable", path=path, reason=reason) from None
    keys = []
    for number, line in enumerate(lines, 1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        if any(ch.isspace() for ch in key):
            raise KeysFileError("spaces", path=path, line=number)
        if len(key) < MIN_KEY_CHARS:
            raise KeysFileError("short", path=path, line=number, n=MIN_KEY_CHARS)
        keys.append(key.encode("utf-8"))
    if not keys:
        raise KeysFileError("empty", path=path)
    return tuple(keys)


def key_matches(given: bytes, keys: tuple[bytes, ...]) -> bool:
    found = False
    for key in keys:  # no early exit: every key is compared
        found |= hmac.compare_digest(given, key)
    return found


class ApiKeys:
    """Answers 401 (problem JSON, ``WWW-Authenticate: Bearer``) without a valid key."""

    def __init__(self, app: ASGIApp, keys: tuple[bytes, ...], open_prefixes: tuple[str, ...] = ("/health/",),
                 open_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.keys = keys
        self.open_prefixes = open_prefixes
        self.open_paths = open_paths
        """Paths that check a key themselves (the page, from its cookie)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (scope["type"] != "http" or path.startswith(self.open_prefixes) or path in self.open_paths
                or self._allowed(scope)):
            await self.app(scope, receive, send)
            return
        lang = langs.lenient(scope)
        error = ProblemError.of("unauthorized", lang)
        error.headers["WWW-Authenticate"] = 'Bearer realm="backup-doctor"'
        await send_problem(scope, send, error, lang)

    def _allowed(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                return scheme.lower() == b"bearer" and key_matches(token.strip(), self.keys)
        return False
