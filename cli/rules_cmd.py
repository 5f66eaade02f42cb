"""``backup-doctor rules …`` and ``why-not`` for rule authors (issue 4; not written yet)."""

from __future__ import annotations
