"""A simulated Congress served over real HTTP on 127.0.0.1, for end-to-end tests and benchmarks.

    congress = build_congress(30, releases_per_site=10, seed=1)
    with serve(congress) as server:
        write_roster(congress, server, tmp_path / "roster.yaml")
        ...crawl...
        assert stored == expected_releases(congress, server)

See model.py (the data), families.py (the markup), render.py, server.py, roster.py.
"""

from .build import add_new_release, build_congress, real_releases, release_for
from .families import FAMILIES, FAMILY_NAMES
from .model import Congress, SimRelease, Site, guess_dateline
from .mutate import Mutation
from .render import (
    Noise,
    render_article,
    render_feed,
    render_homepage,
    render_listing,
)
from .roster import (
    config_overrides,
    expected_releases,
    roster_people,
    write_config,
    write_roster,
)
from .server import LoggedRequest, SimServer, serve

__all__ = [
    "FAMILIES",
    "FAMILY_NAMES",
    "Congress",
    "LoggedRequest",
    "Mutation",
    "Noise",
    "SimRelease",
    "SimServer",
    "Site",
    "add_new_release",
    "build_congress",
    "config_overrides",
    "expected_releases",
    "guess_dateline",
    "real_releases",
    "release_for",
    "render_article",
    "render_feed",
    "render_homepage",
    "render_listing",
    "roster_people",
    "serve",
    "write_config",
    "write_roster",
]
