"""Who may see what: the roles, and the rule that maps a page's declared roles to a visitor's role.

Each page declares `roles=` and `id_prefix=` in `dash.register_page`; the server (routes/guard.py)
enforces both for page visits and for every callback, so hiding a link is never the only defence.
A page that declares no roles is for staff only: a new page is private until someone opens it.
"""

from __future__ import annotations

PUBLIK, STAF, PIMPINAN, ADMIN = "publik", "staf", "pimpinan", "admin"
ROLES = (PUBLIK, STAF, PIMPINAN, ADMIN)

EVERYONE = ROLES
STAFF = (STAF, PIMPINAN, ADMIN)  # everyone who logs in
KOMINFO = (STAF, ADMIN)  # the people who run the feeds, cameras and reports
ADMINS = (ADMIN,)

# Ids of the shell (navbar, language switch, late-feed flag): on every page, for every visitor.
SHELL_PREFIX = "shell"


def page_roles(page: dict) -> tuple[str, ...]:
    """The roles that may see a page of dash.page_registry (staff when it declares none)."""
    roles = page.get("roles")
    return tuple(roles) if roles else STAFF


def may_see(page: dict, role: str) -> bool:
    """True when `role` may see `page` (a dash.page_registry entry)."""
    return role in page_roles(page)


def id_prefix(component_id: str | dict) -> str:
    """The page prefix of a component id: "stat" of "stat-g-trend", or of {"type": "stat-card", ...}."""
    if isinstance(component_id, dict):
        component_id = str(component_id.get("type", ""))
    return str(component_id).split("-", 1)[0]
