"""backup-doctor as an MCP server: the engine's answers as tools a chatbot can call (docs/mcp.md).

Built on the SDK's low-level ``Server``, not its decorator API: the decorator API derives
each tool's input schema from a signature and validates arguments with pydantic's
English-only messages, and it hides the text of every exception but its own. Here the
``facts`` argument publishes the fact file's own JSON Schema, the arguments are checked
with the engine's errors (every problem, in the request's language), and every failure
becomes a tool error (``isError``) whose text a model can act on.

The tools only read: they diagnose in this process and change nothing, call nothing.
"""

from __future__ import annotations

from .server import DoctorServer, serve_stdio
from .tools import tool_list

__all__ = ["DoctorServer", "serve_stdio", "tool_list"]
