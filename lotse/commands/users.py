"""`python -m lotse users ...`: manage accounts from the server's shell (no e-mail server needed).

    users create --role admin|trainer|learner --login L --name N [--password-stdin]
    users list
    users disable LOGIN / users enable LOGIN
    users reset-code LOGIN          prints a one-time code for setting a new password
    users purge-inactive --months N [--dry-run]

Whoever can run this can read the database file anyway, so the command acts as an administrator.
"""

from __future__ import annotations

import argparse
import sys

from ..accounts import AccountError, create_user, find_account, issue_reset_code, list_accounts, set_disabled
from ..config import load_settings
from ..identity import ROLES, PermissionDenied, User
from ..privacy import PrivacyError, purge_inactive
from .store_access import StoreNotReady, open_ready_store

CLI_ACTOR = User(id=0, login="kommandozeile", display_name="Kommandozeile", role="admin")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("users", help="create, list, disable accounts; reset codes; retention")
    commands = parser.add_subparsers(dest="users_command", required=True)

    create = commands.add_parser("create", help="create an account")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--login", required=True)
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input (otherwise a one-time code is printed)")
    create.set_defaults(func=_create)

    commands.add_parser("list", help="list all accounts").set_defaults(func=_list)
    for name, disabled in (("disable", True), ("enable", False)):
        sub = commands.add_parser(name, help=f"{name} an account")
        sub.add_argument("login")
        sub.set_defaults(func=_toggle, disabled=disabled)

    reset = commands.add_parser("reset-code", help="print a one-time code to set a new password")
    reset.add_argument("login")
    reset.set_defaults(func=_reset_code)

    purge = commands.add_parser("purge-inactive", help="delete learner accounts inactive for N months")
    purge.add_argument("--months", type=int, required=True)
    purge.add_argument("--dry-run", action="store_true", help="only list who would be deleted")
    purge.set_defaults(func=_purge)


def _db():
    """The checked store; exits with the reason when the database is not ready."""
    try:
        return open_ready_store(load_settings())
    except StoreNotReady as problem:
        raise SystemExit(f"{problem}") from problem


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def _create(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    db = _db()
    try:
        user = create_user(db, CLI_ACTOR, args.login, args.name, args.role, password)
    except AccountError as error:
        return _fail(str(error))
    print(f"created {user.role} {user.login} (id {user.id})")
    if password is None:
        code = issue_reset_code(db, CLI_ACTOR, user.id)
        print(f"one-time code (valid 72 hours, set the password on the sign-in page): {code}")
    return 0


def _list(args: argparse.Namespace) -> int:
    rows = list_accounts(_db(), CLI_ACTOR)
    print(f"{'login':<32} {'role':<8} {'state':<9} {'last active':<20} name")
    for row in rows:
        state = "disabled" if row["disabled"] else "active"
        print(f"{row['login']:<32} {row['role']:<8} {state:<9} {row['last_active_at'][:19]:<20} {row['display_name']}")
    print(f"{len(rows)} account(s)")
    return 0


def _find(db, login: str) -> User | None:
    user = find_account(db, CLI_ACTOR, login)
    if user is None:
        print(f"no account with login {login!r}", file=sys.stderr)
    return user


def _toggle(args: argparse.Namespace) -> int:
    db = _db()
    user = _find(db, args.login)
    if user is None:
        return 1
    try:
        set_disabled(db, CLI_ACTOR, user.id, args.disabled)
    except (AccountError, PermissionDenied) as error:
        return _fail(str(error))
    print(f"{user.login}: {'disabled (all sessions ended)' if args.disabled else 'enabled'}")
    return 0


def _reset_code(args: argparse.Namespace) -> int:
    db = _db()
    user = _find(db, args.login)
    if user is None:
        return 1
    print(issue_reset_code(db, CLI_ACTOR, user.id))
    return 0


def _purge(args: argparse.Namespace) -> int:
    try:
        rows = purge_inactive(_db(), CLI_ACTOR, args.months, dry_run=args.dry_run)
    except PrivacyError as error:
        return _fail(str(error), 2)
    verb = "would delete" if args.dry_run else "deleted"
    for row in rows:
        print(f"{verb} {row['login']} (last active {row['last_active_at'][:10]})")
    print(f"{len(rows)} account(s) {verb}")
    return 0
