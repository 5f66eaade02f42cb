"""The fact-file model: one customer's situation (see docs/facts.md)."""

from __future__ import annotations

from .models import FactFile
from .version import Version

__all__ = ["FactFile", "Version"]
