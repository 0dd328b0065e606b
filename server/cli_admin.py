"""`cares admin ...`: accounts from the command line. Passwords are asked for, never passed."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import sys
import time
from pathlib import Path

from server.accounts import (
    ROLES,
    Hasher,
    display_name_problem,
    normalize_username,
    password_problem,
    username_problem,
)
from server.settings import Settings
from server.share import absolute
from server.store import Store
from server.store.accounts import AccountTaken

SETUP_HOURS = 24


def hasher(settings: Settings) -> Hasher:
    return Hasher(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


async def setup_message(store: Store, settings: Settings) -> str | None:
    """With no account yet, a fresh one-time setup link and how else to create the first admin."""
    if await store.count_accounts():
        return None
    token = await store.create_invitation(
        "setup", "publisher", None, None, time.time(), SETUP_HOURS * 3600
    )
    link = absolute(settings.base_url, f"/admin/setup/{token}")
    return (
        "No admin account exists yet. Create the first one (a publisher) either by opening\n"
        f"  {link}\n"
        f"(this link works once and expires in {SETUP_HOURS} hours; each start makes a new one)\n"
        "or by running\n"
        f"  {_command()} admin create\n"
    )


def _command() -> str:
    """How to run this same `cares` (often .venv/bin/cares, which is not on PATH)."""
    run = Path(sys.argv[0])
    if run.name != "cares":
        return "cares"
    with contextlib.suppress(ValueError):
        return str(run.resolve().relative_to(Path.cwd()))
    return str(run)


def _read(prompt: str, *, secret: bool) -> str:
    try:
        return getpass.getpass(prompt) if secret else input(prompt)
    except EOFError:
        print("\nNo answer came on the terminal; nothing was changed.", file=sys.stderr)
        raise SystemExit(1) from None


def _ask(prompt: str, problem, *, secret: bool = False) -> str:  # type: ignore[no-untyped-def]
    for _ in range(3):
        value = _read(prompt, secret=secret)
        if secret:
            why = problem(value)
        else:
            value = value.strip()
            why = problem(value)
        if why is None:
            return value
        print(f"  That {prompt.strip(': ').lower()} {why}.", file=sys.stderr)
    raise SystemExit(1)


async def _create(settings: Settings, username: str, name: str, role: str, password: str) -> int:
    store = await Store(settings.db_path).open()
    try:
        password_hash = await hasher(settings).hash(password)
        await store.create_account(username, name, role, password_hash, "cares admin create")
    except AccountTaken:
        print(f"An account named {username!r} exists already.", file=sys.stderr)
        return 1
    finally:
        await store.close()
    print(f"Created {role} {username!r}. Sign in at {settings.base_url}/admin/login")
    return 0


def cmd_create(settings: Settings, args: argparse.Namespace) -> int:
    username = normalize_username(
        args.username or _ask("User name: ", lambda v: username_problem(normalize_username(v)))
    )
    if problem := username_problem(username):
        print(f"That user name {problem}.", file=sys.stderr)
        return 1
    if asyncio.run(_exists(settings, username)):
        print(f"An account named {username!r} exists already.", file=sys.stderr)
        return 1
    name = args.name or _ask("Display name: ", display_name_problem)
    password = _ask("Password: ", lambda v: password_problem(v, username), secret=True)
    if _read("Password again: ", secret=True) != password:
        print("The passwords do not match; nothing was created.", file=sys.stderr)
        return 1
    return asyncio.run(_create(settings, username, name, args.role, password))


async def _list(settings: Settings) -> int:
    store = await Store(settings.db_path).open()
    try:
        for account in await store.list_accounts():
            print(f"{account.username}\t{account.role}\t{account.display_name}")
        setup = await setup_message(store, settings)
        if setup:
            print(setup, end="")
    finally:
        await store.close()
    return 0


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_list(settings))


async def _reset(settings: Settings, username: str, password: str) -> int:
    store = await Store(settings.db_path).open()
    try:
        found = await store.account_for_login(username)
        if found is None:
            print(f"No account is named {username!r}.", file=sys.stderr)
            return 1
        password_hash = await hasher(settings).hash(password)
        await store.set_password_hash(
            found[0].id, password_hash, end_sessions=True, actor="cares admin password"
        )
    finally:
        await store.close()
    print(f"New password set for {username!r}; every session of that account has ended.")
    return 0


async def _exists(settings: Settings, username: str) -> bool:
    store = await Store(settings.db_path).open()
    try:
        return await store.account_for_login(username) is not None
    finally:
        await store.close()


def cmd_password(settings: Settings, args: argparse.Namespace) -> int:
    username = normalize_username(args.username)
    if not asyncio.run(_exists(settings, username)):
        print(f"No account is named {username!r}.", file=sys.stderr)
        return 1
    password = _ask("New password: ", lambda v: password_problem(v, username), secret=True)
    if _read("New password again: ", secret=True) != password:
        print("The passwords do not match; nothing was changed.", file=sys.stderr)
        return 1
    return asyncio.run(_reset(settings, username, password))


def add_parser(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="admin accounts")
    commands = admin.add_subparsers(dest="admin_command", required=True)
    create = commands.add_parser("create", help="create an account (asks for the password)")
    create.add_argument("--username")
    create.add_argument("--name", help="display name")
    create.add_argument("--role", choices=ROLES, default="publisher")
    create.set_defaults(func=cmd_create)
    listing = commands.add_parser("list", help="list accounts (or print a setup link if none)")
    listing.set_defaults(func=cmd_list)
    reset = commands.add_parser("password", help="set a new password for an account")
    reset.add_argument("username")
    reset.set_defaults(func=cmd_password)
