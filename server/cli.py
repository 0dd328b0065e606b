"""The `cares` command."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from server import cli_admin, cli_data
from server.cli_admin import setup_message
from server.export import ExportError, ExportReport, export_static
from server.publishing import PublishResult, publish_directory, publish_draft
from server.settings import Settings, SettingsError, load_settings, parse_origin
from server.site import load_theme
from server.store import Store, StoreBusy
from server.validation import CatalogueInvalid


def _print_problems(exc: CatalogueInvalid) -> None:
    print(f"Refused: the catalogue has {len(exc.problems)} problem(s):", file=sys.stderr)
    for problem in exc.problems:
        print(f"  - {problem}", file=sys.stderr)


def _describe(result: PublishResult) -> str:
    v = result.version
    if not result.created:
        return f"Nothing changed: version {v.id} ({v.content_hash[:12]}) is already published."
    return f"Published version {v.id} ({v.content_hash[:12]}) at {v.published_at}."


async def prepare(settings: Settings) -> str | None:
    """Create the database and, on first start, seed and publish the default catalogue.

    While no admin account exists, the message also says how to create the first one.
    """
    store = await Store(settings.db_path).open()
    try:
        lines = []
        if await store.is_empty():
            theme = load_theme(settings.base_url)
            result = await publish_directory(
                store,
                theme,
                settings,
                settings.catalogue_dir,
                actor="cares (first start)",
                note="Default catalogue",
            )
            lines.append(_describe(result))
        if setup := await setup_message(store, settings):
            lines.append(setup)
        return "\n".join(lines) or None
    finally:
        await store.close()


class DraftWouldBeLost(Exception):
    """Publishing a folder would throw away draft changes that were never published."""


async def _publish(
    settings: Settings, folder: Path | None, note: str | None, replace_draft: bool
) -> PublishResult:
    store = await Store(settings.db_path).open()
    try:
        theme = load_theme(settings.base_url)
        if folder is None:
            return await publish_draft(store, theme, settings, actor="cares publish", note=note)
        if not replace_draft and await _unpublished_changes(store):
            raise DraftWouldBeLost
        return await publish_directory(
            store, theme, settings, folder, actor="cares publish", note=note
        )
    finally:
        await store.close()


async def _unpublished_changes(store: Store) -> bool:
    draft = await store.draft_document()
    latest = await store.latest_version()
    published = await store.version_document(latest.id) if latest else None
    return draft is not None and draft != published


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    message = asyncio.run(prepare(settings))
    if message:
        print(message, flush=True)
    print(f"CARES is serving {settings.base_url} (database: {settings.db_path})", flush=True)
    uvicorn.run(
        "server.app:create_app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers or settings.workers,
        # No per-visitor log: uvicorn's access log would record client addresses.
        access_log=False,
        server_header=False,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
        log_level="info",
    )
    return 0


def cmd_publish(settings: Settings, args: argparse.Namespace) -> int:
    folder = None if args.draft else Path(args.source) if args.source else settings.catalogue_dir
    try:
        result = asyncio.run(_publish(settings, folder, args.note, args.replace_draft))
    except DraftWouldBeLost:
        print(
            "Refused: the draft has changes that were never published (edits or an import),"
            f" and publishing {folder} would replace them. Publish the draft with"
            " `cares publish --draft`, or add --replace-draft to discard it.",
            file=sys.stderr,
        )
        return 1
    except CatalogueInvalid as exc:
        _print_problems(exc)
        return 1
    except StoreBusy as exc:
        print(exc, file=sys.stderr)
        return 75
    print(_describe(result))
    return 0


async def _export(settings: Settings, folder: Path, base_url: str) -> ExportReport:
    store = await Store(settings.db_path).open()
    try:
        return await export_static(store, folder, base_url)
    finally:
        await store.close()


def cmd_export_static(settings: Settings, args: argparse.Namespace) -> int:
    try:
        base_url = parse_origin(args.base_url) if args.base_url else settings.base_url
        report = asyncio.run(_export(settings, Path(args.folder), base_url))
    except (ExportError, SettingsError) as exc:
        print(f"Not exported: {exc}", file=sys.stderr)
        return 1
    print(
        f"Exported version {report.version} for {base_url}: {report.files} files,"
        f" {report.bytes:,} bytes, in {report.folder}."
        f" Serve it with {report.folder / 'nginx.conf'} or any server that reads _headers."
    )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cares", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="create the database on first start and serve the site")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, help="worker processes (default: CARES_WORKERS or 1)")
    serve.set_defaults(func=cmd_serve)
    publish = sub.add_parser("publish", help="validate catalogue files and publish them")
    publish.add_argument("--from", dest="source", help="catalogue folder (default: catalogue/)")
    publish.add_argument(
        "--draft", action="store_true", help="publish the draft as it is (no folder is read)"
    )
    publish.add_argument(
        "--replace-draft",
        action="store_true",
        help="replace a draft that has unpublished changes with the folder",
    )
    publish.add_argument("--note", help="what changed, for the version list")
    publish.set_defaults(func=cmd_publish)
    export = sub.add_parser(
        "export-static", help="write the published version as a static site for a CDN"
    )
    export.add_argument("folder", help="an empty or new folder")
    export.add_argument(
        "--base-url", help="the static site's public origin (default: CARES_BASE_URL)"
    )
    export.set_defaults(func=cmd_export_static)
    cli_admin.add_parser(sub)
    cli_data.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Workers started by uvicorn read the environment, so options go there first.
    if getattr(args, "host", None):
        os.environ["CARES_HOST"] = args.host
    if getattr(args, "port", None):
        os.environ["CARES_PORT"] = str(args.port)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Setting error: {exc}", file=sys.stderr)
        return 2
    return args.func(settings, args)


if __name__ == "__main__":
    sys.exit(main())
