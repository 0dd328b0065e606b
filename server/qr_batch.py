"""Make QR codes for many addresses in a separate process (see publishing.make_qr_codes).

Usage: python -m server.qr_batch < addresses.json > codes.json
Reads a JSON list of addresses, writes a JSON list of inline SVGs in the same order.
"""

from __future__ import annotations

import json
import sys

from server.share import qr_svg


def main() -> None:
    texts = json.load(sys.stdin)
    json.dump([qr_svg(t) for t in texts], sys.stdout)


if __name__ == "__main__":
    main()
