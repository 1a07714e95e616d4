"""Words of the admin pages, Bahasa Indonesia first; merged into components.i18n.TEXT."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {}
