"""The ``backup-doctor`` command line (presentation and exit codes only)."""

from __future__ import annotations

import gc


def main() -> None:
    """Console-script entry point (``backup-doctor`` and ``python -m backup_doctor.cli``)."""
    # The imports (pydantic, click, the engine, the rule base's models) create objects
    # that live as long as the process. Frozen once made, they are left out of every
    # later garbage collection, the one at interpreter exit included; collecting is
    # paused while they are made. A one-file `diagnose` finishes about 30 ms (15%)
    # sooner; a long `batch` still collects what it creates itself.
    gc.disable()
    try:
        from .app import cli
    except KeyboardInterrupt:
        _interrupted_at_start()
    finally:
        gc.freeze()
        gc.enable()
    cli(prog_name="backup-doctor")


def _interrupted_at_start() -> None:
    # Ctrl-C while the modules load: the same exit and line as later on, no traceback.
    # The CLI's own helpers may be half-imported, so the language is read here.
    import os
    import sys

    args = sys.argv[1:]
    env = next((os.environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(v)), "")
    ja = "--lang=ja" in args or any(a == "--lang" and b == "ja" for a, b in zip(args, args[1:], strict=False)) \
        or ("--lang" not in " ".join(args) and env.lower().startswith("ja"))
    try:
        from ..engine.texts import say_in

        print(say_in("ja" if ja else "en", "interrupted"), file=sys.stderr)
    except BaseException:  # noqa: BLE001 (a half-imported module, a second Ctrl-C: exit all the same)
        pass
    raise SystemExit(130)
