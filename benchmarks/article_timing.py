"""CPU per release page of ``parse_article`` on the real article pages the tests label, with and
without family templates, against trafilatura (the last-resort fallback), and body token-F1
against the hand-written labels (tests/fixtures/article_labels.yaml).

    .venv/bin/python benchmarks/article_timing.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import trafilatura
import yaml

from crawler.article import parse_article, token_f1
from crawler.mainblock import words

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 8, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=50)
    rounds = parser.parse_args().rounds
    labels = yaml.safe_load((ROOT / "tests/fixtures/article_labels.yaml").read_text())
    pages = [((ROOT / lab["path"]).read_bytes(), lab) for lab in labels.values()]
    readers = {
        "parse_article": lambda raw, lab: parse_article(raw, lab["url"], today=TODAY).body_text,
        "parse_article templates=False": lambda raw, lab: parse_article(
            raw, lab["url"], today=TODAY, templates=False).body_text,
        # the settings of parse_article's last-resort fallback
        "trafilatura (our fallback)": lambda raw, lab: trafilatura.extract(
            raw.decode("utf-8", "replace"), include_comments=False, include_tables=False,
            favor_precision=True) or "",
        "trafilatura default + tables": lambda raw, lab: trafilatura.extract(
            raw.decode("utf-8", "replace"), include_comments=False, include_tables=True) or "",
    }
    for name, read in readers.items():
        read(*pages[0])  # imports and caches warm
        start = time.process_time()
        for _ in range(rounds):
            for raw, lab in pages:
                read(raw, lab)
        ms = (time.process_time() - start) / (rounds * len(pages)) * 1000
        scores = [token_f1(words(read(raw, lab)), words(lab["body"])) for raw, lab in pages]
        print(f"{name:32} {ms:6.2f} ms/page   token-F1 " + " ".join(f"{s:.3f}" for s in scores))


if __name__ == "__main__":
    main()
