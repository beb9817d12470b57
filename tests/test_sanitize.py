"""Stripping control characters and escape sequences, and refusing URLs: total functions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.sanitize import clean_text, printable
from crawler.urlpolicy import SitePolicy, UrlRefused, check_url

ESCAPES = st.sampled_from(["\x1b[31m", "\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;http://x\x1b\\",
                           "\x9b1m", "\x1bP1$r\x1b\\", "\x1b(0", "\x07", "\r", "\x00", "\u202e",
                           "\x1b"])
HOSTILE = st.lists(st.one_of(st.text(max_size=20), ESCAPES), max_size=12).map("".join)
FAST = settings(max_examples=300, derandomize=True, database=None)


@FAST
@given(HOSTILE)
def test_printable_leaves_no_control_characters(text):
    out = printable(text)
    assert not any((ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
                   or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069 for c in out)
    assert printable(out) == out


@FAST
@given(HOSTILE)
def test_clean_text_is_one_line(text):
    out = clean_text(text)
    assert "\n" not in out and "\t" not in out and out == out.strip()


def test_printable_keeps_ordinary_text():
    text = "Smith’s bill — “$2,000,000” for water.\n\nSecond paragraph,\ttabbed. é ü 中文"
    assert printable(text) == text
    assert printable("a\x1b[1;31mb\x1b[0mc\x1b]0;t\x07d") == "abcd"


@FAST
@given(st.one_of(st.text(max_size=60), st.integers(), st.none(),
                 st.text(max_size=30).map(lambda t: "http://" + t)))
def test_url_checks_only_ever_refuse(value):
    try:
        check_url(value)
    except UrlRefused:
        pass
    if isinstance(value, str):
        reason = SitePolicy().refusal(value, redirected_from="https://a.house.gov/")
        assert reason is None or isinstance(reason, str)
