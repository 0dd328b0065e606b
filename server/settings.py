"""Settings, read from the environment once into one object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting has a value the server cannot use."""


@dataclass(frozen=True)
class Settings:
    db_path: Path = ROOT / "var" / "cares.db"
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str = "http://127.0.0.1:8000"
    catalogue_dir: Path = ROOT / "catalogue"
    root: Path = ROOT
    video_hosts: tuple[str, ...] = (
        "www.youtube.com",
        "youtube.com",
        "youtu.be",
        "www.facebook.com",
        "facebook.com",
        "fb.watch",
        "www.instagram.com",
        "instagram.com",
        "x.com",
        "twitter.com",
    )
    stale_months: int = 12
    # Host names this server answers to; any other Host header is refused.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # Addresses of reverse proxies whose X-Forwarded-For/-Proto are believed.
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 8 * 1024 * 1024
    max_connections: int = 1000
    workers: int = 1
    # argon2id cost (RFC 9106's second recommended profile); lower only for tests.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4
    # Largest thumbnail accepted (an import is bounded by max_body_bytes).
    max_thumbnail_bytes: int = 2 * 1024 * 1024
    # Test-only: paths the server answers with a 500, to show that a failed
    # download leaves the offline copy intact. Never set in production.
    test_fail_paths: tuple[str, ...] = ()

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def host_names(self) -> list[str]:
        """Every Host this server answers to: the public one and the allowed ones."""
        public = urlsplit(self.base_url).hostname or ""
        return list(dict.fromkeys([public, *self.allowed_hosts]))

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def parse_origin(value: str) -> str:
    """An http(s) origin with no path, or SettingsError."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"CARES_BASE_URL must be an http(s) URL, not {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError("CARES_BASE_URL must be an origin only (no path, query or fragment)")
    return f"{parts.scheme}://{parts.netloc}"


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(v.strip().lower() for v in env.get(name, "").split(",") if v.strip())


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read CARES_* variables (from os.environ by default) into Settings."""
    env = os.environ if env is None else env
    host = env.get("CARES_HOST", "127.0.0.1")
    port = _int(env, "CARES_PORT", 8000)
    base = parse_origin(env.get("CARES_BASE_URL") or f"http://{host}:{port}")
    defaults = Settings()
    return Settings(
        db_path=Path(env.get("CARES_DB", str(defaults.db_path))),
        host=host,
        port=port,
        base_url=base,
        catalogue_dir=Path(env.get("CARES_CATALOGUE", str(defaults.catalogue_dir))),
        video_hosts=_list(env, "CARES_VIDEO_HOSTS") or defaults.video_hosts,
        stale_months=_int(env, "CARES_STALE_MONTHS", defaults.stale_months),
        allowed_hosts=_list(env, "CARES_ALLOWED_HOSTS") or defaults.allowed_hosts,
        trusted_proxies=_list(env, "CARES_TRUSTED_PROXIES"),
        max_body_bytes=_int(env, "CARES_MAX_BODY_BYTES", defaults.max_body_bytes),
        max_connections=_int(env, "CARES_MAX_CONNECTIONS", defaults.max_connections),
        workers=_int(env, "CARES_WORKERS", defaults.workers),
        argon2_time_cost=_int(env, "CARES_ARGON2_TIME_COST", defaults.argon2_time_cost),
        argon2_memory_kib=_int(env, "CARES_ARGON2_MEMORY_KIB", defaults.argon2_memory_kib),
        argon2_parallelism=defaults.argon2_parallelism,
        # Paths are case-sensitive: not _list, which lower-cases.
        test_fail_paths=tuple(
            p.strip() for p in env.get("CARES_TEST_FAIL_PATHS", "").split(",") if p.strip()
        ),
    )
