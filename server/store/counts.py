"""Short-link counts: one number per code per day, added to in batches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from server.store.base import StoreBase


@dataclass(frozen=True)
class DailyOpens:
    code: str
    day: str
    opens: int


class CountStore(StoreBase):
    async def add_opens(self, counts: Mapping[tuple[str, str], int]) -> None:
        """Add a batch of {(code, day): opens} to the stored totals, in one transaction.

        Additive, so every worker process can flush its own batch without
        reading first: two flushes of the same code and day add up.
        """
        rows = [(code, day, n) for (code, day), n in counts.items() if n > 0]
        if not rows:
            return
        async with self.transaction() as db:
            await db.executemany(
                "INSERT INTO link_open (code, day, opens) VALUES (?, ?, ?)"
                " ON CONFLICT (code, day) DO UPDATE SET opens = opens + excluded.opens",
                rows,
            )

    async def daily_opens(self, since: str = "0000-00-00") -> list[DailyOpens]:
        """Every stored count from `since` (an ISO date) on, oldest first."""
        rows = await self._all(
            "SELECT code, day, opens FROM link_open WHERE day >= ? ORDER BY day, code", (since,)
        )
        return [DailyOpens(*row) for row in rows]
