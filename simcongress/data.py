"""Where the simulated Congress's material lives: real saved pages and real release texts,
copied into the package (see ``data/README.md`` for their provenance)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PAGES = DATA / "pages"  # real saved member pages, with MANIFEST.tsv
RELEASES = DATA / "releases"  # real press releases, one JSON object per line


def fixture_path(name: str) -> Path:
    return PAGES / name


def releases_dir() -> Path:
    return RELEASES
