"""Write the benchmark's Markdown table and SVG chart."""

from __future__ import annotations

from html import escape
from pathlib import Path

SERVERS = ["cares", "bare starlette", "nginx static"]
COLOURS = {"cares": "#1f4e5f", "bare starlette": "#8aa8b2", "nginx static": "#c9c9c9"}


def _load_table(load: dict) -> list[str]:
    lines = [
        "| Endpoint | CARES req/s | p50 / p99 ms | bare Starlette req/s | CARES vs bare | nginx static req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, row in load.items():
        ours, bare, nginx = (row.get(s) for s in SERVERS)
        share = (
            f"{ours['requests_per_second'] / bare['requests_per_second']:.0%}"
            if ours and bare
            else "n/a"
        )
        lines.append(
            f"| {label} | {ours['requests_per_second']:.0f} | {ours['p50_ms']:.2f} / {ours['p99_ms']:.2f}"
            f" | {bare['requests_per_second']:.0f} | {share}"
            f" | {nginx['requests_per_second']:.0f} |"
            if nginx
            else f"| {label} | {ours['requests_per_second']:.0f} | {ours['p50_ms']:.2f} / {ours['p99_ms']:.2f}"
            f" | {bare['requests_per_second']:.0f} | {share} | n/a |"
        )
    return lines


def write_report(result: dict, folder: Path) -> None:
    lines = [
        f"# Benchmark ({result['date']})",
        "",
        f"Machine: {result['machine']}. Load: wrk, 1 thread, 16 connections,"
        f" {result['seconds_per_load_run']} s per run, on 127.0.0.1, identity encoding;"
        " every server is one process.",
        "",
        *_load_table(result["load"]),
        "",
        "## Publishing and memory (all four languages)",
        "",
        "| Size | Services | Files | Cold publish s | Warm publish s | Publisher peak MB | Server RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["publish"]:
        lines.append(
            f"| {row['factor']}x | {row['services']} | {row['files']} | {row['cold_publish_s']}"
            f" | {row['warm_publish_s']} | {row['publisher_peak_rss_mb']} | {row['server_rss_mb']} |"
        )
    off = result["offline"]
    lines += [
        "",
        "Cold: first publish into an empty database (every QR code generated).",
        "Warm: the next publish, with one service changed.",
        "",
        "## Offline set and updates",
        "",
        f"- Offline set, all languages: {off['files']} files, {off['set_bytes']:,} bytes"
        f" ({off['set_compressed_bytes']:,} compressed).",
        f"- English only: {off['english_set_bytes']:,} bytes ({off['english_set_compressed_bytes']:,} compressed).",
        f"- One changed service: {off['update_files']} files, {off['update_bytes']:,} bytes"
        f" ({off['update_compressed_bytes']:,} compressed) = {off['update_share']:.2%} of the set.",
        "",
        "## Publish to every worker serving it",
        "",
        f"- {result['propagation']['workers']} workers: median {result['propagation']['median_ms']} ms"
        f" (trials: {result['propagation']['trials_ms']} ms), counted from the end of `cares publish`.",
        "",
        "## Publishing during load",
        "",
        f"- {result['publish_under_load']}",
        "",
    ]
    (folder / "results.md").write_text("\n".join(lines))
    (folder / "throughput.svg").write_text(chart(result["load"]))


def chart(load: dict) -> str:
    labels = list(load)
    top = max(r["requests_per_second"] for row in load.values() for r in row.values()) or 1
    bar, gap, left, height = 18, 26, 150, 260
    width = left + len(labels) * (len(SERVERS) * bar + gap) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 90}"'
        ' font-family="sans-serif" font-size="11">',
        '<text x="10" y="16" font-size="13">Requests per second (higher is better)</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * (len(SERVERS) * bar + gap)
        for j, server in enumerate(SERVERS):
            row = load[label].get(server)
            if not row:
                continue
            h = row["requests_per_second"] / top * height
            parts.append(
                f'<rect x="{x0 + j * bar}" y="{30 + height - h:.1f}" width="{bar - 2}" height="{h:.1f}"'
                f' fill="{COLOURS[server]}"><title>{escape(server)}: {row["requests_per_second"]:.0f}</title></rect>'
            )
        parts.append(
            f'<text x="{x0}" y="{height + 46}" transform="rotate(20 {x0} {height + 46})">{escape(label)}</text>'
        )
    for j, server in enumerate(SERVERS):
        parts.append(
            f'<rect x="10" y="{40 + j * 18}" width="12" height="12" fill="{COLOURS[server]}"/>'
        )
        parts.append(f'<text x="28" y="{50 + j * 18}">{escape(server)}</text>')
    parts.append("</svg>\n")
    return "\n".join(parts)
