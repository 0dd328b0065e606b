"""Accounts, sessions, one-time links and login throttling."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from server.accounts import Account
from server.store.audit import AuditEntry, write_audit
from server.store.base import StoreBase, utc_now

_ACCOUNT_COLUMNS = "id, username, display_name, role, created_at, created_by"


class AccountTaken(Exception):
    """Another account already has this user name."""


class LastPublisher(Exception):
    """The change would leave nobody able to publish."""


@dataclass(frozen=True)
class Session:
    id_hash: str
    account: Account
    csrf_token: str
    created_at: float
    seen_at: float


@dataclass(frozen=True)
class Invitation:
    kind: str
    username: str | None
    role: str
    created_by: str | None
    expires_at: float


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class AccountStore(StoreBase):
    # --- accounts -------------------------------------------------------------

    async def count_accounts(self) -> int:
        return int((await self._one("SELECT count(*) FROM account"))[0])

    async def list_accounts(self) -> list[Account]:
        rows = await self._all(f"SELECT {_ACCOUNT_COLUMNS} FROM account ORDER BY username")
        return [Account(*row) for row in rows]

    async def get_account(self, account_id: int) -> Account | None:
        row = await self._one(f"SELECT {_ACCOUNT_COLUMNS} FROM account WHERE id = ?", (account_id,))
        return Account(*row) if row else None

    async def account_for_login(self, username: str) -> tuple[Account, str] | None:
        """The account with this user name and its password hash, or None."""
        row = await self._one(
            f"SELECT {_ACCOUNT_COLUMNS}, password_hash FROM account WHERE username = ?",
            (username,),
        )
        return (Account(*row[:6]), row[6]) if row else None

    async def create_account(
        self, username: str, display_name: str, role: str, password_hash: str, actor: str | None
    ) -> Account:
        async with self.transaction() as db:
            return await self._insert_account(
                db, username, display_name, role, password_hash, actor
            )

    async def _insert_account(
        self, db, username: str, display_name: str, role: str, password_hash: str, actor
    ) -> Account:
        taken = await (
            await db.execute("SELECT 1 FROM account WHERE username = ?", (username,))
        ).fetchone()
        if taken:
            raise AccountTaken(username)
        now = utc_now()
        cursor = await db.execute(
            "INSERT INTO account (username, display_name, role, password_hash, created_at,"
            " created_by, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (username, display_name, role, password_hash, now, actor, now),
        )
        await write_audit(
            db,
            AuditEntry(
                actor or username,
                "account.create",
                "account",
                username,
                {"after": {"role": role, "display_name": display_name}},
            ),
        )
        return Account(cursor.lastrowid, username, display_name, role, now, actor)  # type: ignore[arg-type]

    async def set_password_hash(
        self, account_id: int, password_hash: str, *, end_sessions: bool, actor: str | None = None
    ) -> None:
        """Store a new hash; a password change (not a re-hash) also ends every session."""
        async with self.transaction() as db:
            if end_sessions:
                await db.execute(
                    "UPDATE account SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                    (password_hash, utc_now(), account_id),
                )
                await db.execute("DELETE FROM session WHERE account_id = ?", (account_id,))
                async with db.execute(
                    "SELECT username FROM account WHERE id = ?", (account_id,)
                ) as cursor:
                    (username,) = await cursor.fetchone() or (None,)
                await write_audit(db, AuditEntry(actor, "account.password", "account", username))
            else:
                await db.execute(
                    "UPDATE account SET password_hash = ? WHERE id = ?", (password_hash, account_id)
                )

    async def remove_account(self, account_id: int, actor: str) -> None:
        """Delete an account; its sessions go with it (ON DELETE CASCADE)."""
        async with self.transaction() as db:
            row = await (
                await db.execute("SELECT username, role FROM account WHERE id = ?", (account_id,))
            ).fetchone()
            if row is None:
                return
            await _keep_a_publisher(db, account_id, None)
            await db.execute("DELETE FROM account WHERE id = ?", (account_id,))
            await write_audit(
                db,
                AuditEntry(
                    actor, "account.remove", "account", row[0], {"before": {"role": row[1]}}
                ),
            )

    async def set_role(self, account_id: int, role: str, actor: str) -> None:
        async with self.transaction() as db:
            row = await (
                await db.execute("SELECT username, role FROM account WHERE id = ?", (account_id,))
            ).fetchone()
            if row is None or row[1] == role:
                return
            await _keep_a_publisher(db, account_id, role)
            await db.execute("UPDATE account SET role = ? WHERE id = ?", (role, account_id))
            await write_audit(
                db,
                AuditEntry(
                    actor,
                    "account.role",
                    "account",
                    row[0],
                    {"before": {"role": row[1]}, "after": {"role": role}},
                ),
            )

    # --- sessions ---------------------------------------------------------------

    async def create_session(self, account_id: int, now: float) -> tuple[str, str]:
        """A new session: returns (session id for the cookie, CSRF token)."""
        session_id, csrf = new_token(), new_token()
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO session (id_hash, account_id, csrf_token, created_at, seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token_hash(session_id), account_id, csrf, now, now),
            )
        return session_id, csrf

    async def get_session(self, session_id: str) -> Session | None:
        row = await self._one(
            "SELECT s.id_hash, s.csrf_token, s.created_at, s.seen_at,"
            f" {', '.join('a.' + c.strip() for c in _ACCOUNT_COLUMNS.split(','))}"
            " FROM session s JOIN account a ON a.id = s.account_id WHERE s.id_hash = ?",
            (token_hash(session_id),),
        )
        if row is None:
            return None
        return Session(row[0], Account(*row[4:]), row[1], row[2], row[3])

    async def touch_session(self, id_hash: str, now: float) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE session SET seen_at = ? WHERE id_hash = ?", (now, id_hash))

    async def end_session(self, id_hash: str) -> None:
        async with self.transaction() as db:
            await db.execute("DELETE FROM session WHERE id_hash = ?", (id_hash,))

    async def end_expired_sessions(self, idle_before: float, started_before: float) -> None:
        async with self.transaction() as db:
            await db.execute(
                "DELETE FROM session WHERE seen_at < ? OR created_at < ?",
                (idle_before, started_before),
            )

    async def end_all_sessions(self) -> None:
        async with self.transaction() as db:
            await db.execute("DELETE FROM session")

    # --- one-time links ----------------------------------------------------------

    async def create_invitation(
        self,
        kind: str,
        role: str,
        username: str | None,
        actor: str | None,
        now: float,
        lifetime: float,
    ) -> str:
        """A new single-use link token. A new setup link replaces any earlier one."""
        token = new_token()
        async with self.transaction() as db:
            if kind == "setup":
                await db.execute(
                    "UPDATE invitation SET used_at = ? WHERE kind = 'setup' AND used_at IS NULL",
                    (now,),
                )
            await db.execute(
                "INSERT INTO invitation (token_hash, kind, username, role, created_by,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token_hash(token), kind, username, role, actor, now, now + lifetime),
            )
            if kind == "invite":
                await write_audit(
                    db,
                    AuditEntry(actor, "account.invite", "account", username, {"role": role}),
                )
        return token

    async def get_invitation(self, token: str, now: float) -> Invitation | None:
        """The invitation behind a link, if it is unused, unexpired and still applies."""
        row = await self._one(
            "SELECT kind, username, role, created_by, expires_at FROM invitation"
            " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
            (token_hash(token), now),
        )
        if row is None:
            return None
        if row[0] == "setup" and await self.count_accounts():
            return None
        return Invitation(*row)

    async def accept_invitation(
        self, token: str, username: str, display_name: str, password_hash: str, now: float
    ) -> Account | None:
        """Create the account and spend the link, in one transaction; None if the link is void."""
        async with self.transaction() as db:
            row = await (
                await db.execute(
                    "SELECT kind, role, created_by FROM invitation"
                    " WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
                    (token_hash(token), now),
                )
            ).fetchone()
            if row is None:
                return None
            kind, role, created_by = row
            if kind == "setup":
                (count,) = await (await db.execute("SELECT count(*) FROM account")).fetchone()
                if count:
                    return None
            await db.execute(
                "UPDATE invitation SET used_at = ? WHERE token_hash = ?", (now, token_hash(token))
            )
            actor = created_by if kind == "invite" else None
            return await self._insert_account(
                db, username, display_name, role, password_hash, actor
            )

    # --- login throttling ---------------------------------------------------------

    async def throttle_wait(self, keys: Iterable[str], now: float) -> float:
        """Seconds until a login attempt may be tried for all of these keys (0 = now)."""
        keys = list(keys)
        marks = ",".join("?" * len(keys))
        row = await self._one(
            f"SELECT max(wait_until) FROM login_throttle WHERE key IN ({marks})", keys
        )
        return max(0.0, (row[0] or 0) - now)

    async def record_failure(
        self, keys: dict[str, tuple[int, float]], now: float, forget_after: float
    ) -> None:
        """Count a failed login against each key: {key: (free attempts, longest wait)}."""
        async with self.transaction() as db:
            for key, (free, cap) in keys.items():
                row = await (
                    await db.execute(
                        "SELECT failures, last_failure FROM login_throttle WHERE key = ?", (key,)
                    )
                ).fetchone()
                failures = 1 if row is None or now - row[1] > forget_after else row[0] + 1
                wait = 0.0 if failures < free else min(cap, 2.0 ** (failures - free))
                await db.execute(
                    "INSERT INTO login_throttle (key, failures, last_failure, wait_until)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                    " failures = excluded.failures, last_failure = excluded.last_failure,"
                    " wait_until = excluded.wait_until",
                    (key, failures, now, now + wait),
                )

    async def clear_failures(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        async with self.transaction() as db:
            await db.execute(
                f"DELETE FROM login_throttle WHERE key IN ({','.join('?' * len(keys))})", keys
            )


async def _keep_a_publisher(db, account_id: int, new_role: str | None) -> None:
    """Refuse to remove or demote the last publisher: nobody could publish any more."""
    (others,) = await (
        await db.execute(
            "SELECT count(*) FROM account WHERE role = 'publisher' AND id != ?", (account_id,)
        )
    ).fetchone()
    if others == 0 and new_role != "publisher":
        (is_publisher,) = await (
            await db.execute(
                "SELECT count(*) FROM account WHERE role = 'publisher' AND id = ?", (account_id,)
            )
        ).fetchone()
        if is_publisher:
            raise LastPublisher
