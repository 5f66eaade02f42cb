"""``backup-doctor serve``: the HTTP service (see :mod:`backup_doctor.cli.service`).

FastAPI, uvicorn and prometheus-client come with the ``server`` extra; without them
the command says how to install them and exits 2. Nothing here imports them before
the command runs.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import click

from ..engine.texts import in_lang, os_reason, say_in
from .texts import labels
from .options import EXIT_INPUT, default_lang

SERVER_MODULES = ("fastapi", "uvicorn", "prometheus_client")
APP = "backup_doctor.cli.service.app:create_app"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0: every interface, e.g. in a container).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes, each with its own engine (use the number of cores).")
@click.option("--api-keys", "api_keys", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File of API keys, one per line (# starts a comment): then every endpoint but "
                   "/health/* needs Authorization: Bearer <key>.")
def serve(host: str, port: int, workers: int, api_keys: Path | None) -> None:
    """Serve the engine over HTTP for helpdesk tools (needs the server extra).

    Endpoints: POST /v1/diagnose, /v1/consult, /v1/note, /v1/batch, /v1/why-not/ID, /v1/validate;
    GET /v1/schema, /v1/rules, /v1/rules/ID, /health/live, /health/ready, /metrics,
    /openapi.json (docs/service.md); /mcp, the MCP server, when the mcp extra is
    installed too (docs/mcp.md). Exits 2 when the server extra is missing or the
    API keys file cannot be used.
    """
    lang = default_lang()
    if any(importlib.util.find_spec(name) is None for name in SERVER_MODULES):
        click.echo(labels("serve", lang)["missing"], err=True)
        sys.exit(EXIT_INPUT)
    from ..engine.errors import ConfigError
    from ..engine.report.placeholders import default_region
    from .service.auth import KEYS_ENV, KeysFileError, load_keys
    from .service.logs import LOG_CONFIG

    try:
        default_region(None)  # BACKUP_DOCTOR_REGION, refused here rather than in every worker
    except ConfigError as exc:
        click.echo(say_in(lang, "error") + exc.render(lang), err=True)
        sys.exit(EXIT_INPUT)

    if api_keys is not None:
        try:
            load_keys(api_keys)  # refused here, once, before any worker starts
        except KeysFileError as exc:
            click.echo(say_in(lang, "error") + exc.render(lang), err=True)
            sys.exit(EXIT_INPUT)
        os.environ[KEYS_ENV] = str(api_keys.resolve())
    else:
        os.environ.pop(KEYS_ENV, None)
    problem = _cannot_listen(host, port)
    if problem is not None:
        click.echo(labels("serve", lang)["cannot_listen"].format(host=host, port=port,
                                                                 reason=in_lang(os_reason(problem), lang)), err=True)
        sys.exit(EXIT_INPUT)
    # Metrics of every worker are added up from files in this folder (service/metrics.py);
    # it must be set before prometheus-client is imported, in this process or a worker.
    own_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        own_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="backup-doctor-metrics-")
    from .service.listen import run  # uvicorn.run, with a listening socket per worker (Linux)

    try:
        run(APP, host=host, port=port, workers=workers, log_config=LOG_CONFIG, access_log=False, server_header=False)
    finally:
        if own_dir is not None:
            shutil.rmtree(own_dir, ignore_errors=True)


def _cannot_listen(host: str, port: int) -> OSError | None:
    """Why *host*:*port* cannot be listened on (taken, not this machine's address, a
    privileged port), or None. Tried here, as uvicorn binds (SO_REUSEADDR), because
    uvicorn would only log it and exit 3, this CLI's code for a bug: a port in use is
    the caller's to fix (exit 2). The socket is closed at once; uvicorn binds again."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return exc
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            return exc
    return None
