"""Time one publish of a catalogue folder into a database (used by bench/measures.py).

Usage: python -m bench.publish_timer DB FOLDER
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path

from server.publishing import publish_directory
from server.settings import load_settings
from server.site import load_theme
from server.store import Store


async def main(db: Path, folder: Path) -> dict:
    # The server started on this database later uses the same settings (base URL
    # included), so it serves this render instead of making its own.
    settings = load_settings({**os.environ, "CARES_DB": str(db)})
    theme = load_theme(settings.base_url)
    store = await Store(db).open()
    try:
        start = time.perf_counter()
        result = await publish_directory(store, theme, settings, folder, actor="bench")
        seconds = time.perf_counter() - start
        files = await store.site_files(result.version.id, theme.build)
    finally:
        await store.close()
    return {
        "version": result.version.id,
        "seconds": round(seconds, 2),
        "files": len(files),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2])))))
