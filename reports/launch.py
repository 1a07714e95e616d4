"""Start a report's generation as a process of its own (the web worker only queues and polls)."""

from __future__ import annotations

from background import alive, start_detached

__all__ = ["alive", "start_generation"]


def start_generation(report_id: int) -> int:
    """Run `python -m reports.generate <id>` detached; returns its pid."""
    return start_detached("reports.generate", str(int(report_id)))
