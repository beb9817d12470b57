"""Where the project's shared, read-only material lives (saved pages, real releases)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def shared_dir() -> Path:
    """``$PRESSWATCH_SHARED``, else a ``shared/`` folder beside the repository or above it."""
    env = os.environ.get("PRESSWATCH_SHARED")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [parent / "shared" for parent in here.parents]
    candidates.append(Path("/work/shared"))
    for candidate in candidates:
        if (candidate / "fixtures" / "pages").is_dir() and (candidate / "data").is_dir():
            return candidate
    raise FileNotFoundError(
        "shared/ (fixtures/pages and data/releases) not found; set PRESSWATCH_SHARED"
    )


def fixture_path(name: str) -> Path:
    return shared_dir() / "fixtures" / "pages" / name


def releases_dir() -> Path:
    return shared_dir() / "data" / "releases"
