"""`presswatch inspect`: how a stored release page reads today, and what is dropped as chrome."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import storage
from crawler.article import EXTRACTOR_VERSION, parse_article
from crawler.chrome import mask_hash, site_of
from crawler.items import ReleaseItem
from storage import open_db
from storage.site_chrome import record_chrome
from tests.helpers import PRESSWATCH, member

URL = "https://smith.house.gov/news/water"
SIGNUP = "Get my weekly e-newsletter with news from the district"
SENTENCES = "".join(
    f"<p>Sentence {word} of the release says what the senator did about water today.</p>"
    for word in ("one", "two", "three")
)
PAGE = (
    "<html><body><main><h1>Smith Acts on Water</h1><div class='when'>June 9, 2026</div>"
    f"<div class='text'>{SENTENCES}<div class='box'>{SIGNUP}</div>"
    "<div class='bar'>f t # e Share 12 | Tweet 3</div></div></main></body></html>"
)


def test_inspect_shows_the_body_and_both_kinds_of_chrome(tmp_path: Path) -> None:
    db_path = tmp_path / "pw.db"
    db = open_db(db_path)
    storage.upsert_members(db, [member("S000001")], now="2026-06-10T06:00:00Z")
    run = storage.start_run(db, {}, "2026-06-10T06:00:00Z")
    article = parse_article(PAGE, URL)
    item = ReleaseItem(bioguide_id="S000001", article=article, fetched_url=URL,
                       listing_url=None, family=None, raw_html=PAGE.encode())
    saved = storage.save_release(db, item, run, "2026-06-10T06:00:00Z", EXTRACTOR_VERSION)
    record_chrome(db, site_of(URL), {mask_hash(SIGNUP): (6, 1.0, SIGNUP)},
                  "2026-06-10T06:00:00Z")
    db.close()
    result = subprocess.run([PRESSWATCH, "inspect", "--db", str(db_path), "--format", "json",
                             str(saved.release_id)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["title"] == "Smith Acts on Water"
    assert report["parser"] == "generic"
    assert len(report["paragraphs"]) == 3
    assert report["stripped_by_rules"] == ["June 9, 2026", "f t # e Share 12 | Tweet 3"]
    assert report["stripped_as_site_chrome"] == [SIGNUP]
    assert report["stored_matches"] is False  # the sign-up line was learned after it was stored
    text = subprocess.run([PRESSWATCH, "inspect", "--db", str(db_path), URL],
                          capture_output=True, text=True, timeout=60)
    assert "dropped as chrome of smith.house.gov (1 lines learned):" in text.stdout
    assert f"   -   {SIGNUP}" in text.stdout
    missing = subprocess.run([PRESSWATCH, "inspect", "--db", str(db_path), "999"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no release" in missing.stderr
