"""``backup-doctor mcp``: the engine as an MCP server over stdio (see docs/mcp.md).

The server needs the ``mcp`` extra; this module does not import it, so every other
command (and ``--help``) works without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .texts import labels
from .options import EXIT_INPUT, lang_option, rules_option


@click.command("mcp")
@lang_option
@rules_option
def mcp_cmd(lang: str, rules_dirs: tuple[Path, ...]) -> None:
    """Serve the diagnosis to chatbots over the Model Context Protocol (stdio).

    An MCP client (a desktop assistant, a support bot) starts this command and talks
    to it over standard input and output. Tools: diagnose, consult, why_not, validate,
    list_rules, show_rule; all read-only. --lang sets the language of answers to
    calls that give none. Needs the mcp extra (pip install 'backup-doctor[mcp]');
    without it, exits 2 with one line saying so.
    """
    try:
        # The SDK itself first: the server's other imports (anyio …) come with it.
        import mcp  # noqa: F401
    except ModuleNotFoundError:
        click.echo(labels("mcp_cmd", lang)["no_extra"], err=True)
        sys.exit(EXIT_INPUT)
    from .chatbot import serve_stdio

    # Built before serving: a bad --rules pack is a one-line error and exit 2, not a
    # server that fails every call.
    from ..engine.runner import Engine

    serve_stdio(Engine(rules_dirs), default_lang=lang)
