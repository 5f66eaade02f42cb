"""``backup-doctor batch``: one report per JSON line (issue 5; not written yet)."""

from __future__ import annotations
