"""CLI commands that answer questions (filled in by the grounded-answers work)."""

from __future__ import annotations

COMMANDS: list = []
