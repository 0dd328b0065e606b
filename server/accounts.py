"""Admin accounts: roles, password policy and hashing. Knows nothing of HTTP or SQL."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

Role = Literal["editor", "publisher"]
ROLES: tuple[Role, ...] = ("editor", "publisher")
ROLE_NAMES = {"editor": "Editor (changes the draft)", "publisher": "Publisher (also publishes)"}
MIN_PASSWORD = 12
# Long enough for any passphrase; short enough that hashing stays cheap.
MAX_PASSWORD = 256
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_SUFFIX = re.compile(r"[\d\W_]+$")


class HashingBusy(Exception):
    """Too many password checks are queued; the client should retry shortly."""

    def __init__(self) -> None:
        super().__init__("The server is busy checking passwords. Please try again in a moment.")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    role: Role
    created_at: str
    created_by: str | None

    @property
    def can_publish(self) -> bool:
        return self.role == "publisher"


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def normalize_username(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower()


def username_problem(username: str) -> str | None:
    if not _USERNAME.match(username):
        return (
            "use 2 to 40 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit"
        )
    return None


def display_name_problem(name: str) -> str | None:
    if not name.strip():
        return "is required"
    if len(name) > 100:
        return "must be at most 100 characters"
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return "must not contain control or formatting characters"
    return None


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None. Length and commonness only: no composition rules."""
    if len(password) < MIN_PASSWORD:
        return f"must be at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"must be at most {MAX_PASSWORD} characters"
    folded = password.strip().lower()
    common = common_passwords()
    if folded in common or _SUFFIX.sub("", folded) in common:
        return "is one of the most common passwords; choose a less predictable one"
    if len(set(folded)) < 4:
        return "repeats too few characters; choose a less predictable one"
    if username and username.lower() in folded:
        return "must not contain the user name"
    return None


class Hasher:
    """argon2id hashing off the event loop, a few at a time, with a bounded queue.

    Each hash takes tens of MiB and a good fraction of a second by design, so an
    unbounded number of concurrent logins could exhaust the server.
    """

    def __init__(
        self,
        *,
        time_cost: int,
        memory_kib: int,
        parallelism: int,
        concurrent: int = 2,
        queued: int = 8,
    ) -> None:
        self.policy = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._slots = asyncio.Semaphore(concurrent)
        self._queued = queued
        self._waiting = 0
        # Verifying against this when the account does not exist takes as long as
        # a real check, so the answer's timing does not tell which names exist.
        self._decoy = self.policy.hash("decoy password for unknown accounts")

    async def _run(self, func, *args):  # type: ignore[no-untyped-def]
        if self._waiting >= self._queued:
            raise HashingBusy
        self._waiting += 1
        try:
            async with self._slots:
                return await asyncio.to_thread(func, *args)
        finally:
            self._waiting -= 1

    async def hash(self, password: str) -> str:
        return await self._run(self.policy.hash, password)

    async def verify(self, stored: str | None, password: str) -> bool:
        """Check a password; with no stored hash, spend the same time and say no."""

        def check() -> bool:
            try:
                return self.policy.verify(stored or self._decoy, password) and stored is not None
            except (VerificationError, InvalidHashError):
                return False

        return await self._run(check)

    def needs_rehash(self, stored: str) -> bool:
        """True when the stored hash was made with weaker parameters than the policy."""
        try:
            return self.policy.check_needs_rehash(stored)
        except InvalidHashError:
            return True
