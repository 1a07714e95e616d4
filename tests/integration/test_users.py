"""Logins: hashed passwords, roles, disabling, the failed-attempt count and the users command."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from store import users
from store.models_auth import AppUser


def test_passwords_are_stored_only_as_scrypt_hashes(engine):
    users.create_user(engine, "Siti", "staf", "panjang-sekali-1", "Siti Aminah")
    with engine.connect() as conn:
        stored = conn.execute(select(AppUser.password_hash).where(AppUser.username == "siti")).scalar_one()
    assert stored.startswith("scrypt:") and "panjang-sekali-1" not in stored
    assert users.authenticate(engine, "SITI", "panjang-sekali-1").role == "staf"
    assert users.authenticate(engine, "siti", "panjang-sekali-2") is None
    assert users.authenticate(engine, "nobody", "panjang-sekali-1") is None


@pytest.mark.parametrize(
    ("username", "role", "password", "field"),
    [
        ("ok.name", "raja", "panjang-sekali-1", "role"),
        ("ok.name", "staf", "pendek", "password"),
        ("bad name!", "staf", "panjang-sekali-1", "username"),
    ],
)
def test_bad_user_input_is_refused_naming_the_field(engine, username, role, password, field):
    with pytest.raises(users.UserError, match=f"^{field}:"):
        users.create_user(engine, username, role, password)
    assert users.list_users(engine) == []


def test_a_disabled_user_cannot_log_in_and_a_reset_password_replaces_the_old(engine):
    users.create_user(engine, "budi", "admin", "kata-sandi-lama")
    users.set_active(engine, "budi", False)
    assert users.authenticate(engine, "budi", "kata-sandi-lama") is None
    users.set_active(engine, "budi", True)
    users.set_password(engine, "budi", "kata-sandi-baru")
    assert users.authenticate(engine, "budi", "kata-sandi-lama") is None
    assert users.authenticate(engine, "budi", "kata-sandi-baru").username == "budi"
    with pytest.raises(users.UserError, match="username: no user"):
        users.set_password(engine, "ghost", "kata-sandi-baru")


def test_failures_are_counted_per_username_and_per_address_within_the_window(engine):
    now = datetime.now(UTC)
    for i in range(4):
        users.record_attempt(engine, "siti", "10.0.0.1", ok=False, at=now - timedelta(minutes=i))
    users.record_attempt(engine, "siti", "10.0.0.1", ok=False, at=now - timedelta(hours=2))
    users.record_attempt(engine, "siti", "10.0.0.1", ok=True, at=now)
    window = timedelta(minutes=15)
    assert users.recent_failures(engine, "siti", "10.9.9.9", window, now) == (4, 0)  # by username
    assert users.recent_failures(engine, "other", "10.0.0.1", window, now) == (0, 4)  # by address
    assert users.recent_failures(engine, "other", "10.9.9.9", window, now) == (0, 0)


@pytest.fixture
def cli_env(app_engine):
    return app_engine


def test_the_users_command_creates_resets_and_disables(cli_env, tmp_path):
    from jobs.users import run

    out = io.StringIO()
    assert run(["create", "siti", "--role", "staf", "--name", "Siti"], out=out) == 0
    password = out.getvalue().split("password: ")[1].strip()
    assert users.authenticate(cli_env, "siti", password) is not None
    assert run(["create", "siti", "--role", "staf"], out=io.StringIO()) == 2  # taken
    pw_file = tmp_path / "pw"
    pw_file.write_text("dari-berkas-123\n")
    assert run(["reset", "siti", "--password-file", str(pw_file)], out=io.StringIO()) == 0
    assert users.authenticate(cli_env, "siti", "dari-berkas-123") is not None
    assert run(["disable", "siti"], out=io.StringIO()) == 0
    assert users.authenticate(cli_env, "siti", "dari-berkas-123") is None
    listing = io.StringIO()
    assert run(["list"], out=listing) == 0
    assert "siti" in listing.getvalue() and "nonaktif" in listing.getvalue()
    assert "dari-berkas-123" not in listing.getvalue()


def test_the_command_never_disables_or_demotes_the_last_active_admin(cli_env):
    from jobs.users import run

    engine = cli_env
    users.create_user(engine, "ani", "admin", "kata-sandi-ani")
    assert run(["disable", "ani"]) == 2
    assert run(["role", "ani", "staf"]) == 2
    assert users.get_user(engine, "ani").active and users.get_user(engine, "ani").role == "admin"
    users.create_user(engine, "budi", "admin", "kata-sandi-budi")
    assert run(["disable", "ani"]) == 0  # another admin remains
    assert not users.get_user(engine, "ani").active
