"""Serve a simulated Congress until killed (for benchmarks in another process).

    python -m simcongress --sites 537 --releases 10 --port-file /tmp/sim.json

The port file (JSON, written once every port listens) holds ``sites`` (slug -> base URL,
bioguide id, family, listing URL), ``roster`` and ``config`` (paths of the files written beside
it) and ``expected`` (path of the ground truth of a one-page crawl, JSON).
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from pathlib import Path

from .build import build_congress
from .roster import expected_releases, write_config, write_roster
from .server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simcongress", description=__doc__)
    parser.add_argument("--sites", type=int, default=537)
    parser.add_argument("--releases", type=int, default=10, help="releases per site")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--page-size", type=int, default=None)
    parser.add_argument("--families", default=None, help="comma-separated family names")
    parser.add_argument("--noise", action="store_true", help="noise on every page")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--port-file", required=True, type=Path)
    args = parser.parse_args(argv)

    families = args.families.split(",") if args.families else None
    congress = build_congress(args.sites, args.releases, args.seed, families, args.page_size)
    congress.noise = args.noise
    for site in congress.sites:
        site.delay = args.delay

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    out = args.port_file.resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    with serve(congress) as server:
        roster = write_roster(congress, server, out / "simcongress-roster.yaml")
        config = write_config(congress, server, out / "simcongress-config.yaml", roster)
        expected = out / "simcongress-expected.json"
        expected.write_text(json.dumps(expected_releases(congress, server), indent=1))
        info = {
            "sites": {
                s.slug: {
                    "base_url": server.base_url(s),
                    "bioguide_id": s.bioguide_id,
                    "family": s.family,
                    "listing_url": server.url(s, s.listing_path),
                }
                for s in congress.sites
            },
            "roster": str(roster),
            "config": str(config),
            "expected": str(expected),
        }
        tmp = args.port_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(info, indent=1))
        tmp.replace(args.port_file)  # appears whole: readers poll for it
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
