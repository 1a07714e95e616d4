"""Tables of logins and roles (migration 0005): staff users and the login attempts that rate-limit them.

Anonymous visitors are the role "publik" and have no row. Passwords are stored only as hashes
(scrypt, via werkzeug); the attempt log lets every web worker see the same failures, so the
slow-down after wrong passwords holds across gunicorn workers and hosts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models import Base, BigId
from store.types import UTCDateTime

STAFF_ROLES = ("staf", "pimpinan", "admin")


class AppUser(Base):
    """A person who logs in: Kominfo staff (staf), the Sekda or mayor (pimpinan), or an admin."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role IN ('staf', 'pimpinan', 'admin')", name="ck_app_user_role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """One login attempt (kept for the rate limit and the audit; pruned after 30 days)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    ok: Mapped[bool] = mapped_column(Boolean)
