"""Users and login attempts: the write and read side of logins (passwords only ever as hashes)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Engine, delete, func, insert, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from store.models_auth import STAFF_ROLES, AppUser, LoginAttempt

MIN_PASSWORD_LENGTH = 10
# A hash to compare against when the user does not exist, so that a wrong username takes as
# long as a wrong password and does not reveal which usernames exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class UserError(ValueError):
    """A user command was refused; the message says why (in English, naming the field).

    `code` and `params` let a page say the same in the visitor's language (adm.err.<code>).
    """

    def __init__(self, message: str, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    last_login_at: datetime | None
    # A login remembers this; a new password (a reset by an admin) ends every older session.
    password_changed_at: datetime | None = None


def _user(row) -> User:
    return User(
        row.id,
        row.username,
        row.display_name,
        row.role,
        row.active,
        row.last_login_at,
        row.password_changed_at,
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"password: at least {MIN_PASSWORD_LENGTH} characters are needed",
            "password_short",
            n=MIN_PASSWORD_LENGTH,
        )


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise UserError(f"role: {role!r} is not one of {', '.join(STAFF_ROLES)}", "role_unknown", role=role)


def hash_password(password: str) -> str:
    """A scrypt hash of `password` (salted; werkzeug's format)."""
    return generate_password_hash(password, method="scrypt")


def create_user(engine: Engine, username: str, role: str, password: str, display_name: str = "") -> User:
    """Add a user; refuses a taken username, an unknown role or a short password."""
    username = username.strip().lower()
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").isalnum():
        raise UserError(
            f"username: {username!r} must be 1-64 letters, digits, '.' or '_'", "username_invalid"
        )
    _check_role(role)
    _check_password(password)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if conn.execute(select(AppUser.id).where(AppUser.username == username)).first():
            raise UserError(f"username: {username!r} exists already", "username_taken", user=username)
        conn.execute(
            insert(AppUser).values(
                username=username,
                display_name=display_name.strip() or username,
                role=role,
                password_hash=hash_password(password),
                active=True,
                created_at=now,
                password_changed_at=now,
            )
        )
    return get_user(engine, username)


def get_user(engine: Engine, username: str) -> User | None:
    """The user called `username` (any state), or None."""
    with engine.connect() as conn:
        row = conn.execute(select(AppUser).where(AppUser.username == username.strip().lower())).first()
    return _user(row) if row else None


def get_user_by_id(engine: Engine, user_id: int) -> User | None:
    """The user with this id, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(AppUser).where(AppUser.id == user_id)).first()
    return _user(row) if row else None


def list_users(engine: Engine) -> list[User]:
    """Every user, by username."""
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(AppUser).order_by(AppUser.username))]


def _update(engine: Engine, username: str, **values) -> User:
    with engine.begin() as conn:
        done = conn.execute(
            update(AppUser).where(AppUser.username == username.strip().lower()).values(**values)
        ).rowcount
    if not done:
        raise UserError(f"username: no user {username!r}", "no_user", user=username)
    return get_user(engine, username)


def set_password(engine: Engine, username: str, password: str) -> User:
    """Reset a user's password."""
    _check_password(password)
    return _update(
        engine, username, password_hash=hash_password(password), password_changed_at=datetime.now(UTC)
    )


def set_active(engine: Engine, username: str, active: bool) -> User:
    """Enable or disable a user; a disabled user cannot log in and loses open sessions."""
    return _update(engine, username, active=active)


def set_role(engine: Engine, username: str, role: str) -> User:
    """Change a user's role."""
    _check_role(role)
    return _update(engine, username, role=role)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The active user when the password matches, else None (same work either way)."""
    with engine.connect() as conn:
        row = conn.execute(select(AppUser).where(AppUser.username == username.strip().lower())).first()
    ok = check_password_hash(row.password_hash if row else _DUMMY_HASH, password)
    if not (row and ok and row.active):
        return None
    with engine.begin() as conn:
        conn.execute(update(AppUser).where(AppUser.id == row.id).values(last_login_at=datetime.now(UTC)))
    return _user(row)


def record_attempt(engine: Engine, username: str, ip: str, ok: bool, at: datetime | None = None) -> None:
    """Log one login attempt; attempts older than 30 days are pruned on the way."""
    at = at or datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(LoginAttempt).values(username=username.strip().lower()[:64], ip=ip[:64], at=at, ok=ok)
        )
        conn.execute(delete(LoginAttempt).where(LoginAttempt.at < at - timedelta(days=30)))


class Failures(NamedTuple):
    by_user: int  # failed attempts on this username, from anywhere
    by_ip: int  # failed attempts from this address, on any username


def recent_failures(
    engine: Engine, username: str, ip: str, window: timedelta, now: datetime | None = None
) -> Failures:
    """Failed attempts in the window for this username and from this address, counted apart."""
    since = (now or datetime.now(UTC)) - window
    base = select(func.count()).where(LoginAttempt.ok.is_(False), LoginAttempt.at >= since)
    with engine.connect() as conn:
        by_user = conn.execute(
            base.where(LoginAttempt.username == username.strip().lower()[:64])
        ).scalar_one()
        by_ip = conn.execute(base.where(LoginAttempt.ip == ip[:64])).scalar_one()
    return Failures(int(by_user), int(by_ip))


# --- Admin page (issue 6): listing with dates, and the guard rails of disabling and demoting ---

ADMIN_ROLE = "admin"


def generate_password() -> str:
    """A random password of 16 URL-safe characters (about 96 bits), for a one-time display."""
    return secrets.token_urlsafe(12)


def check_password(password: str) -> None:
    """Raise UserError when `password` breaks the policy (the one create_user and set_password use)."""
    _check_password(password)


def user_rows(engine: Engine) -> list[dict]:
    """Every user as a plain dict (no hash), by username: with created, last login, password change."""
    cols = (
        AppUser.id,
        AppUser.username,
        AppUser.display_name,
        AppUser.role,
        AppUser.active,
        AppUser.created_at,
        AppUser.last_login_at,
        AppUser.password_changed_at,
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(*cols).order_by(AppUser.username))]


def _lock_target_and_admins(conn, username: str):
    """The target row, and the ids of the active admins, locked until the transaction ends.

    PostgreSQL: locking every active admin row (FOR UPDATE) makes two admins who disable each
    other at the same moment queue up, and the second sees the first change. SQLite ignores
    FOR UPDATE and reads outside the write lock, so the write itself re-checks (_guarded_update).
    """
    target = conn.execute(
        select(AppUser.id, AppUser.username, AppUser.role, AppUser.active)
        .where(AppUser.username == username.strip().lower())
        .with_for_update()
    ).first()
    if target is None:
        raise UserError(f"username: no user {username!r}", "no_user", user=username)
    admins = set(
        conn.execute(
            select(AppUser.id).where(AppUser.role == ADMIN_ROLE, AppUser.active.is_(True)).with_for_update()
        ).scalars()
    )
    return target, admins


def _last_admin(target, what: str) -> UserError:
    return UserError(
        f"username: {target.username!r} is the last active admin and cannot be {what}",
        f"last_admin_{what}",
        user=target.username,
    )


def _guarded_update(conn, target, what: str, **values) -> None:
    """Write `values` unless that would leave no active admin, judged inside the write itself."""
    others = (
        select(func.count())
        .select_from(AppUser)
        .where(AppUser.role == ADMIN_ROLE, AppUser.active.is_(True), AppUser.id != target.id)
        .scalar_subquery()
    )
    done = conn.execute(
        update(AppUser)
        .where(
            AppUser.id == target.id, or_(AppUser.role != ADMIN_ROLE, AppUser.active.is_(False), others > 0)
        )
        .values(**values)
    ).rowcount
    if not done:
        raise _last_admin(target, what)


def change_active(engine: Engine, username: str, active: bool, actor: str | None) -> User:
    """Enable or disable a user on behalf of `actor`: never yourself, never the last active admin."""
    with engine.begin() as conn:
        target, admins = _lock_target_and_admins(conn, username)
        if active:
            conn.execute(update(AppUser).where(AppUser.id == target.id).values(active=True))
        else:
            if actor is not None and target.username == actor.strip().lower():
                raise UserError("username: you cannot disable yourself", "self_disable", user=target.username)
            if target.id in admins and len(admins) == 1:
                raise _last_admin(target, "disabled")
            _guarded_update(conn, target, "disabled", active=False)
    return get_user(engine, username)


def change_role(engine: Engine, username: str, role: str) -> User:
    """Change a user's role; the last active admin cannot be demoted."""
    _check_role(role)
    with engine.begin() as conn:
        target, admins = _lock_target_and_admins(conn, username)
        if role == ADMIN_ROLE:
            conn.execute(update(AppUser).where(AppUser.id == target.id).values(role=role))
        else:
            if target.id in admins and len(admins) == 1:
                raise _last_admin(target, "demoted")
            _guarded_update(conn, target, "demoted", role=role)
    return get_user(engine, username)
