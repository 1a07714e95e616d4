"""One JPEG frame over HTTP: a snapshot URL (image/jpeg) or an MJPEG stream (multipart/x-mixed-replace).

Both kinds go through the same reader, which looks at the answer's Content-Type: a multipart answer
is read part by part until the first whole JPEG, anything else is read to the end as one image. So
a "jpeg" URL that really streams, or an "mjpeg" URL that really serves a snapshot, still works.

Why our own multipart reader rather than OpenCV's FFmpeg backend for MJPEG: it names the failure
(HTTP 503 vs 404 vs refused vs a stream that stopped mid-frame; FFmpeg only says "could not open"),
sends the camera's request headers exactly (some portals demand a Referer), costs no FFmpeg probing
(one frame is a few kilobytes read), and holds to one deadline for the whole attempt: every socket
read gets only the time left, so a camera that trickles bytes cannot stretch an attempt either.

Conditional GET: a snapshot answer's validator (its ETag, else its Last-Modified) is kept per
camera, and the next request sends it back (If-None-Match / If-Modified-Since). An NVR stuck on
its last picture then answers 304 Not Modified: the camera is there but has no new frame, which
is neither a failure (it answered) nor a success (nothing new to store). That is what lets a
camera become "stale" while it keeps answering. A camera that sends no validator gets plain GETs.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import requests
import urllib3.exceptions

from data_sources.capture_base import CaptureFailure, Deadline

USER_AGENT = "LawangJabo/1.0 (+Command Center Kota Palembang)"
MAX_FRAME_BYTES = 20 * 1024 * 1024  # larger than any sane camera frame: stop reading a runaway body
READ_CHUNK = 64 * 1024
VALIDATOR_MAX = 300  # camera_state.http_validator; a longer one is not kept (plain GETs instead)
# The answer's header a validator comes from, and the request header that sends it back.
_CONDITIONAL = {"etag": "If-None-Match", "last-modified": "If-Modified-Since"}


@dataclass(frozen=True)
class HttpImage:
    """What one GET brought: the image bytes, or None when the camera answered 304 Not Modified."""

    body: bytes | None
    validator: str | None  # "ETag: <value>" or "Last-Modified: <value>", for the next request

    @property
    def not_modified(self) -> bool:
        return self.body is None


def validator_of(headers: Mapping[str, str]) -> str | None:
    """The validator of a snapshot answer, as "ETag: <value>" (preferred) or "Last-Modified: <value>".

    The header's name is kept with its value so the next request knows which condition to send.
    If-None-Match wins over If-Modified-Since at the server (RFC 9110 13.2.2), so the ETag is enough.
    """
    for name in ("ETag", "Last-Modified"):
        value = (headers.get(name) or "").strip()
        if value:
            text = f"{name}: {value}"
            # A value we could not send back verbatim (control bytes, non-ASCII, too long) is no use.
            if len(text) <= VALIDATOR_MAX and all(" " <= ch <= "~" for ch in value):
                return text
            return None
    return None


def conditional_headers(validator: str | None) -> dict[str, str]:
    """The request header that asks "anything newer than `validator`?"; {} for none or an unknown one."""
    name, sep, value = (validator or "").partition(":")
    header = _CONDITIONAL.get(name.strip().lower()) if sep else None
    value = value.strip()
    return {header: value} if header and value else {}


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> socket), each once."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend(x for x in (e.__cause__, e.__context__, getattr(e, "reason", None)) if x is not None)
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))


def failure_from_exception(exc: BaseException, timeout_s: float, *, answered: bool = False) -> CaptureFailure:
    """Name the reason a request failed; `answered` means the response headers had arrived."""
    if isinstance(exc, CaptureFailure):
        return exc
    chain = list(_causes(exc))
    kinds = tuple(type(e) for e in chain)

    def has(*types: type) -> bool:
        return any(issubclass(k, types) for k in kinds)

    if has(
        requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema
    ):
        return CaptureFailure("invalid_url", f"URL tidak valid: {exc}")
    if has(ConnectionRefusedError):
        return CaptureFailure("refused", "koneksi ditolak (connection refused)")
    if has(socket.gaierror, urllib3.exceptions.NameResolutionError):
        return CaptureFailure("error", "nama host tidak ditemukan (name resolution failed)")
    if has(requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError):
        return CaptureFailure("timeout", f"tidak tersambung dalam {timeout_s:g} dtk (connect timeout)")
    if has(
        requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError, socket.timeout
    ):
        if answered:
            return CaptureFailure("stalled", f"aliran berhenti sebelum satu frame utuh ({timeout_s:g} dtk)")
        return CaptureFailure("timeout", f"tidak ada jawaban dalam {timeout_s:g} dtk (read timeout)")
    if has(http.client.RemoteDisconnected) and not answered:
        return CaptureFailure("error", "koneksi ditutup tanpa jawaban (connection closed)")
    if has(http.client.BadStatusLine, http.client.LineTooLong, http.client.HTTPException) and not answered:
        return CaptureFailure("decode_error", "jawaban bukan HTTP (not an HTTP answer)")
    if answered and has(
        urllib3.exceptions.ProtocolError,
        http.client.IncompleteRead,
        requests.exceptions.ChunkedEncodingError,
        ConnectionResetError,
    ):
        return CaptureFailure("stalled", "aliran terputus sebelum satu frame utuh (stream cut)")
    if has(ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        return CaptureFailure("error", "koneksi diputus (connection reset)")
    return CaptureFailure("error", f"{type(exc).__name__}: {exc}"[:300])


def _socket_of(resp: requests.Response) -> socket.socket | None:
    """The response's socket, to shorten its timeout as the deadline nears (urllib3 2.x internals)."""
    with contextlib.suppress(AttributeError):
        return resp.raw._fp.fp.raw._sock  # http.client.HTTPResponse -> SocketIO -> socket
    with contextlib.suppress(AttributeError):
        return resp.raw._connection.sock
    return None


def _chunks(resp: requests.Response, deadline: Deadline) -> Iterator[bytes]:
    """Body bytes as they arrive; each read may wait only for what is left of the deadline."""
    sock = _socket_of(resp)
    while True:
        if deadline.expired:
            raise TimeoutError("deadline passed while reading the body")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.settimeout(deadline.remaining())
        data = resp.raw.read1(READ_CHUNK)
        if not data:
            return
        yield data


def _status_failure(resp: requests.Response) -> CaptureFailure | None:
    code = resp.status_code
    if 200 <= code < 300:
        return None
    if code in (404, 410):
        return CaptureFailure("not_found", f"HTTP {code}")
    return CaptureFailure("http_error", f"HTTP {code} {resp.reason or ''}".strip())


def _boundary(content_type: str) -> bytes | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.strip().lower() == "boundary" and value.strip():
            value = value.strip().strip('"')
            return value.encode("latin-1", "replace")
    return None


def _part_length(headers: bytes) -> int | None:
    for line in headers.split(b"\n"):
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-length":
            with contextlib.suppress(ValueError):
                return int(value.strip())
    return None


def first_part(buf: bytes | bytearray, boundary: bytes | None) -> bytes | None:
    """The first whole JPEG in a multipart buffer, or None while more bytes are needed."""
    if boundary is not None:
        # Servers disagree on whether the boundary parameter includes the leading "--": search for
        # the bare token and accept either.
        token = boundary[2:] if boundary.startswith(b"--") else boundary
        start = buf.find(token)
        if start >= 0:
            head_end, sep_len = buf.find(b"\r\n\r\n", start), 4
            if head_end < 0:
                head_end, sep_len = buf.find(b"\n\n", start), 2
            if head_end < 0:
                return None
            body_start = head_end + sep_len
            length = _part_length(bytes(buf[start:head_end]))
            if length is not None:
                return (
                    bytes(buf[body_start : body_start + length]) if len(buf) >= body_start + length else None
                )
            nxt = buf.find(token, body_start)
            if nxt < 0:
                return None
            body = bytes(buf[body_start:nxt])
            return body.rstrip(b"-").rstrip(b"\r\n")
    # No boundary (or none seen yet): take the bytes from a JPEG start marker to its end marker.
    soi = buf.find(b"\xff\xd8")
    if soi < 0:
        return None
    eoi = buf.find(b"\xff\xd9", soi + 2)
    return bytes(buf[soi : eoi + 2]) if eoi >= 0 else None


def fetch_jpeg(url: str, headers: dict[str, str] | None, deadline: Deadline) -> bytes:
    """The first whole image at an HTTP URL (snapshot or MJPEG stream) as bytes; raises CaptureFailure."""
    return fetch_image(url, headers, deadline).body or b""


def fetch_image(
    url: str, headers: dict[str, str] | None, deadline: Deadline, validator: str | None = None
) -> HttpImage:
    """The first whole image at an HTTP URL, asked conditionally when `validator` is given; raises
    CaptureFailure. A 304 to that condition is an HttpImage without a body: no new frame."""
    send = {"User-Agent": USER_AGENT, "Accept": "image/jpeg, multipart/x-mixed-replace, */*"}
    send.update(headers or {})
    condition = conditional_headers(validator)
    send.update(condition)
    answered = False
    try:
        with requests.Session() as session:
            # Cameras sit on the city network or loopback: an environment proxy must not reroute them.
            session.trust_env = False
            wait = deadline.remaining()
            with session.get(
                url, headers=send, timeout=(wait, wait), stream=True, allow_redirects=True
            ) as resp:
                answered = True
                if resp.status_code == 304:
                    if not condition:  # nothing was asked that 304 could answer: a broken server
                        raise CaptureFailure("http_error", "HTTP 304 tanpa permintaan bersyarat")
                    # A 304 may carry a fresher validator (RFC 9110 15.4.5); else the one we sent holds.
                    return HttpImage(None, validator_of(resp.headers) or validator)
                failure = _status_failure(resp)
                if failure is not None:
                    raise failure
                ctype = resp.headers.get("Content-Type", "")
                multipart = ctype.lower().startswith("multipart/")
                boundary = _boundary(ctype) if multipart else None
                buf = bytearray()
                for chunk in _chunks(resp, deadline):
                    buf += chunk
                    if multipart:
                        frame = first_part(buf, boundary)
                        if frame is not None:
                            # A stream has no single representation to validate: no validator.
                            return HttpImage(frame, None)
                    if len(buf) > MAX_FRAME_BYTES:
                        raise CaptureFailure(
                            "decode_error", f"lebih dari {MAX_FRAME_BYTES} byte tanpa frame utuh"
                        )
                if multipart:
                    raise CaptureFailure("stalled", "aliran berakhir sebelum satu frame utuh (stream ended)")
                expected = resp.headers.get("Content-Length")
                if expected is not None and expected.isdigit() and len(buf) < int(expected):
                    raise CaptureFailure("stalled", f"gambar terpotong: {len(buf)} dari {expected} byte")
                if not buf:
                    raise CaptureFailure("decode_error", f"jawaban kosong ({ctype or 'tanpa Content-Type'})")
                return HttpImage(bytes(buf), validator_of(resp.headers))
    except CaptureFailure:
        raise
    except Exception as exc:  # every failure becomes a named reason, never an exception upward
        raise failure_from_exception(exc, deadline.timeout_s, answered=answered) from exc
