"""A real Datasette, started on 127.0.0.1 with the shipped metadata, answers every canned
query over its JSON API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scheduler.cli import main
from tests import corpus

DATASETTE = str(Path(sys.executable).parent / "datasette")
# A value for each named parameter a canned query takes.
PARAMS = {"q": "water", "bioguide_id": "a000001"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("datasette")
    corpus.build(folder / "presswatch.db").close()
    metadata = folder / "metadata.yaml"
    result = CliRunner().invoke(main, ["datasette-metadata", "--db",
                                       str(folder / "presswatch.db"), "-o", str(metadata)])
    assert result.exit_code == 0, result.output
    port = free_port()
    server = subprocess.Popen(
        [DATASETTE, "serve", str(folder / "presswatch.db"), "-m", str(metadata),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"datasette did not start: "
                                       f"{server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        yield base, yaml.safe_load(metadata.read_text())
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_every_canned_query_answers(datasette) -> None:
    base, metadata = datasette
    queries = metadata["databases"]["presswatch"]["queries"]
    assert {"search_releases", "edited_this_week", "removed_releases"} <= set(queries)
    answers = {}
    for name, query in queries.items():
        params = {p: v for p, v in PARAMS.items() if f":{p}" in query["sql"]}
        url = f"{base}/presswatch/{name}.json?" + urllib.parse.urlencode(
            {**params, "_shape": "array"})
        answers[name] = get_json(url)
        assert isinstance(answers[name], list), (name, answers[name])
    assert answers["search_releases"][0]["url"] == corpus.WATER
    assert "**water**" in answers["search_releases"][0]["snippet"]
    assert [r["url"] for r in answers["removed_releases"]] == [corpus.BRIDGE]
    assert {r["url"] for r in answers["member_releases"]} == {corpus.WATER, corpus.DROUGHT}


def test_metadata_and_table_search(datasette) -> None:
    base, _ = datasette
    served = get_json(f"{base}/-/metadata.json")
    assert served["databases"]["presswatch"]["tables"]["releases"]["fts_table"] == "releases_fts"
    found = get_json(f"{base}/presswatch/releases.json?_search=agents&_shape=array")
    assert [r["url"] for r in found] == [corpus.BORDER]
    view = get_json(f"{base}/presswatch/releases_with_members.json?_shape=array&state=NY")
    assert [r["member_name"] for r in view] == ["Cy Chu"]
