"""The MJPEG multipart reader's parsing and the naming of request failures."""

from __future__ import annotations

import http.client

import pytest
import requests
import urllib3.exceptions

from data_sources.capture_http import (
    VALIDATOR_MAX,
    _boundary,
    conditional_headers,
    failure_from_exception,
    first_part,
    validator_of,
)

JPEG = b"\xff\xd8\xff\xe0" + b"body-with-\xff\xd9-inside?" * 3 + b"\xff\xd9"


def part(boundary: bytes, body: bytes, length: bool = True) -> bytes:
    head = b"--" + boundary + b"\r\nContent-Type: image/jpeg\r\n"
    if length:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body + b"\r\n"


@pytest.mark.parametrize("length", [True, False])
def test_first_part_with_and_without_content_length(length):
    stream = part(b"frame", JPEG, length) + part(b"frame", b"\xff\xd8second\xff\xd9", length)
    assert first_part(stream, b"frame") == JPEG


def test_first_part_waits_for_more_bytes():
    stream = part(b"frame", JPEG)
    for cut in (5, 40, len(stream) - len(JPEG) // 2):
        assert first_part(stream[:cut], b"frame") is None


def test_boundary_given_with_its_dashes_and_quotes():
    assert _boundary('multipart/x-mixed-replace; boundary="--myboundary"') == b"--myboundary"
    stream = part(b"myboundary", JPEG) + b"--myboundary\r\n"
    assert first_part(stream, b"--myboundary") == JPEG


def test_without_a_boundary_the_jpeg_markers_are_used():
    assert first_part(b"junk" + b"\xff\xd8abc\xff\xd9" + b"more", None) == b"\xff\xd8abc\xff\xd9"
    assert first_part(b"\xff\xd8abc", None) is None


def _wrapped(inner: BaseException) -> requests.exceptions.ConnectionError:
    return requests.exceptions.ConnectionError(urllib3.exceptions.ProtocolError("Connection aborted.", inner))


@pytest.mark.parametrize(
    "exc,answered,reason",
    [
        (_wrapped(ConnectionRefusedError(111, "refused")), False, "refused"),
        (requests.exceptions.ConnectTimeout("x"), False, "timeout"),
        (requests.exceptions.ReadTimeout("x"), False, "timeout"),
        (requests.exceptions.ReadTimeout("x"), True, "stalled"),
        (_wrapped(http.client.RemoteDisconnected("closed")), False, "error"),
        (_wrapped(http.client.BadStatusLine("\x00garbage")), False, "decode_error"),
        (urllib3.exceptions.ProtocolError("broken", http.client.IncompleteRead(b"")), True, "stalled"),
        (requests.exceptions.InvalidURL("bad"), False, "invalid_url"),
        (RuntimeError("boom"), False, "error"),
    ],
)
def test_failures_get_their_reason(exc, answered, reason):
    failure = failure_from_exception(exc, 2.0, answered=answered)
    assert failure.reason == reason
    assert failure.detail


def test_the_etag_is_the_validator_else_last_modified():
    date = "Sat, 28 Nov 2026 00:00:00 GMT"
    assert validator_of({"ETag": '"abc"', "Last-Modified": date}) == 'ETag: "abc"'
    assert validator_of({"ETag": 'W/"abc"'}) == 'ETag: W/"abc"'
    assert validator_of({"Last-Modified": date}) == f"Last-Modified: {date}"
    assert validator_of({"Content-Type": "image/jpeg"}) is None
    assert validator_of({"ETag": "  "}) is None


def test_a_validator_that_cannot_be_sent_back_is_not_kept():
    assert validator_of({"ETag": '"' + "x" * VALIDATOR_MAX + '"'}) is None
    assert validator_of({"ETag": '"caf\u00e9"'}) is None
    assert validator_of({"ETag": '"a\x07b"'}) is None


def test_each_validator_is_sent_back_as_its_own_condition():
    assert conditional_headers('ETag: "abc"') == {"If-None-Match": '"abc"'}
    assert conditional_headers('ETag: W/"abc"') == {"If-None-Match": 'W/"abc"'}
    date = "Sat, 28 Nov 2026 00:00:00 GMT"
    assert conditional_headers(f"Last-Modified: {date}") == {"If-Modified-Since": date}
    for nothing in (None, "", "ETag:", "Expires: tomorrow", '"abc"'):
        assert conditional_headers(nothing) == {}, nothing
