"""Manage logins: `python -m jobs.users {list,create,disable,enable,reset,role} ...`.

    python -m jobs.users create siti --role staf --name "Siti Aminah"   # prints a new password
    python -m jobs.users reset siti                                      # prints a new password
    python -m jobs.users create budi --role admin --password-file pw.txt
    python -m jobs.users disable siti
    python -m jobs.users list

Passwords are generated (and printed once) unless --password-file gives one: a password on the
command line would sit in the shell history and the process list. Exit codes: 0 done, 2 refused
(bad argument, unknown user, taken name, short password), 3 the database is not migrated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store.models_auth import STAFF_ROLES


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    if getattr(args, "password_file", None):
        try:
            return Path(args.password_file).read_text().strip(), False
        except OSError as exc:
            raise SystemExit(f"--password-file: cannot read {args.password_file} ({exc.strerror})") from None
    from store.users import generate_password

    return generate_password(), True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m jobs.users", description="Manage dashboard logins.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list users, their roles and state")
    create = sub.add_parser("create", help="add a user")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=STAFF_ROLES)
    create.add_argument("--name", default="", help="display name")
    create.add_argument("--password-file", help="read the password from this file instead of generating one")
    reset = sub.add_parser("reset", help="set a new password")
    reset.add_argument("username")
    reset.add_argument("--password-file")
    for name in ("disable", "enable"):
        sub.add_parser(name, help=f"{name} a user").add_argument("username")
    role = sub.add_parser("role", help="change a user's role")
    role.add_argument("username")
    role.add_argument("role", choices=STAFF_ROLES)
    return parser


def run(argv: list[str], out=sys.stdout) -> int:
    """The command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    from store import users
    from store.db import get_engine
    from store.runs import schema_is_current

    engine = get_engine()
    if not schema_is_current(engine):
        print("the database is not migrated: run `python -m store.migrate` first", file=sys.stderr)
        return 3
    try:
        if args.command == "list":
            for u in users.list_users(engine):
                state = "aktif" if u.active else "nonaktif"
                print(f"{u.username:<20} {u.role:<9} {state:<9} {u.display_name}", file=out)
        elif args.command == "create":
            password, generated = _password(args)
            user = users.create_user(engine, args.username, args.role, password, args.name)
            print(f"created {user.username} ({user.role})", file=out)
            if generated:
                print(f"password: {password}", file=out)
        elif args.command == "reset":
            password, generated = _password(args)
            users.set_password(engine, args.username, password)
            print(f"new password set for {args.username}", file=out)
            if generated:
                print(f"password: {password}", file=out)
        elif args.command in ("disable", "enable"):
            # The same guard rails as the admin page: the last active admin is never disabled.
            users.change_active(engine, args.username, args.command == "enable", actor=None)
            print(f"{args.username}: {args.command}d", file=out)
        elif args.command == "role":
            users.change_role(engine, args.username, args.role)
            print(f"{args.username}: role {args.role}", file=out)
    except users.UserError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
