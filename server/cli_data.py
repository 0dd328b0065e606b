"""`cares import`, `cares export`, `cares backup` and `cares restore`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from server.settings import Settings
from server.store import Store, StoreBusy
from server.store.audit import AuditEntry
from server.store.backup import BackupFailed, restore_database
from server.transfer import (
    FORMATS,
    export_bytes,
    export_document,
    guess_format,
    parse_upload,
    plan_import,
)
from server.validation import CatalogueInvalid, Problem

ACTOR = "cares (command line)"


def _read_bounded(path: Path, limit: int) -> bytes:
    if not path.is_file():
        raise CatalogueInvalid([Problem(str(path), "", "is not a file")])
    if path.stat().st_size > limit:
        raise CatalogueInvalid([Problem(str(path), "", f"is larger than {limit:,} bytes")])
    return path.read_bytes()


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    path = Path(args.file)
    body = await asyncio.to_thread(_read_bounded, path, settings.max_body_bytes)
    store = await Store(settings.db_path).open()
    try:
        data = parse_upload(body)
        fmt = args.format or guess_format(data)
        plan = await plan_import(store, settings, data, fmt)
        print(f"{path} ({fmt}): {plan.report['summary']}")
        for warning in plan.report["warnings"]:
            print(f"  note: {warning}")
        if not plan.report["changes"]:
            print("The file matches the draft: there is nothing to apply.")
            return 0
        if not args.yes:
            print("Nothing was applied yet. Run again with --yes to apply this to the draft.")
            return 0
        summary = {"format": fmt, "file": path.name, "summary": plan.report["summary"]}
        await store.replace_draft(
            plan.document, ACTOR, AuditEntry(ACTOR, "import", "catalogue", None, summary)
        )
        print(
            "Applied to the draft. Publish it from the admin (Preview and publish),"
            " or with `cares publish --draft`."
        )
        return 0
    finally:
        await store.close()


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    store = await Store(settings.db_path).open()
    try:
        doc = await export_document(store, settings, args.format, args.source)
    finally:
        await store.close()
    body = export_bytes(doc)
    if args.file == "-":
        sys.stdout.buffer.write(body)
    else:
        await asyncio.to_thread(Path(args.file).write_bytes, body)
        print(f"Wrote the {args.source} catalogue as {args.format} JSON to {args.file}.")
    return 0


async def _backup(settings: Settings, args: argparse.Namespace) -> int:
    if args.file:
        target = Path(args.file)
        if await asyncio.to_thread(target.exists):
            raise BackupFailed(f"{target} exists already; choose a new name")
        if not await asyncio.to_thread(target.parent.is_dir):
            raise BackupFailed(f"there is no folder {target.parent}")
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = settings.db_path.parent / "backups" / f"cares-{stamp}.db"
        await asyncio.to_thread(target.parent.mkdir, mode=0o700, exist_ok=True)
    store = await Store(settings.db_path).open()
    try:
        await store.backup_to(target)
    finally:
        await store.close()
    print(f"Backed up {settings.db_path} to {target} ({target.stat().st_size:,} bytes, checked).")
    return 0


async def _restore(settings: Settings, args: argparse.Namespace) -> int:
    kept = await restore_database(settings.db_path, Path(args.file))
    # Opening the store applies any migration the backup predates.
    store = await Store(settings.db_path).open()
    latest = await store.latest_version()
    await store.close()
    print(f"Restored {args.file} into {settings.db_path}.")
    if kept:
        print(f"The database it replaced is kept at {kept}.")
    if latest:
        print(f"Version {latest.id} (published {latest.published_at}) is now served.")
    return 0


def _run(command):  # type: ignore[no-untyped-def]
    def run(settings: Settings, args: argparse.Namespace) -> int:
        try:
            return asyncio.run(command(settings, args))
        except CatalogueInvalid as exc:
            print(f"Refused: {len(exc.problems)} problem(s):", file=sys.stderr)
            for problem in exc.problems:
                print(f"  - {problem}", file=sys.stderr)
            return 1
        except (BackupFailed, StoreBusy) as exc:
            print(f"Refused: {exc}", file=sys.stderr)
            return 1

    return run


def add_parsers(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser("import", help="check a CARES or HSDS JSON file and apply it to the draft")
    imp.add_argument("file")
    imp.add_argument("--format", choices=FORMATS, help="default: worked out from the file")
    imp.add_argument("--yes", action="store_true", help="apply it (otherwise only report)")
    imp.set_defaults(func=_run(_import))
    exp = sub.add_parser("export", help="write the draft or published catalogue as JSON")
    exp.add_argument("file", help="where to write it (- for standard output)")
    exp.add_argument("--format", choices=FORMATS, default="cares")
    exp.add_argument("--from", dest="source", choices=("draft", "published"), default="published")
    exp.set_defaults(func=_run(_export))
    backup = sub.add_parser("backup", help="write a consistent, checked copy of the database")
    backup.add_argument("file", nargs="?", help="default: backups/cares-<time>.db beside the db")
    backup.set_defaults(func=_run(_backup))
    restore = sub.add_parser("restore", help="replace the database with a backup (old one kept)")
    restore.add_argument("file")
    restore.set_defaults(func=_run(_restore))
