"""Dates and encodings, the small pieces every reader relies on."""

import datetime as dt
import time

import pytest

from recruitwatch.errors import ReadError
from recruitwatch.ingest.encoding import decode_text
from recruitwatch.ingest.markup import fragment_to_text, human_size
from recruitwatch.isodate import iso_date


@pytest.mark.parametrize("value,expected", [
    ("2023-05-22T10:00:00+03:00", "2023-05-22"),
    ("2023-05-22", "2023-05-22"),
    ("2022-11", "2022-11"),
    ("2022", "2022"),
    ("Tue, 26 Sep 2023 08:15:00 +0300", "2023-09-26"),
    ("D:20230522101500+03'00'", "2023-05-22"),
    ("22.05.2023", "2023-05-22"),
    ("1684749600", "2023-05-22"),
    (dt.datetime(2024, 1, 9, 21, 14), "2024-01-09"),
    (time.strptime("2023-03-02", "%Y-%m-%d"), "2023-03-02"),
    ("2023-02-30", None),
    ("yesterday", None),
    ("", None),
    (None, None),
])
def test_iso_date(value, expected):
    assert iso_date(value) == expected


def test_decode_text_cascade():
    assert decode_text("Привет".encode(), "f") == ("Привет", "utf-8")
    assert decode_text(b"\xef\xbb\xbfHello", "f") == ("Hello", "utf-8")
    assert decode_text("Привет, мир".encode("utf-16-le").join([b"\xff\xfe", b""]), "f")[0] == "Привет, мир"
    with pytest.raises(ReadError, match="binary content"):
        decode_text(b"\x00\x01\x02abc", "f")


def test_fragment_to_text():
    assert fragment_to_text("<p>One <b>two</b></p><p>Three</p><script>x()</script>") == "One two\n\nThree"
    assert fragment_to_text("Tom &amp; Jerry") == "Tom & Jerry"


def test_human_size():
    assert human_size(2_100_000_000) == "2.1 GB"
    assert human_size(200_000_000) == "200 MB"
    assert human_size(999) == "999 bytes"
