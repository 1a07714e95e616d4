"""data_sources.records batch helpers: decode_json answers as json.loads does; gc_paused restores."""

from __future__ import annotations

import gc
import json
import math
import threading

import pytest

from data_sources.records import decode_json, gc_paused


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": [{"id": 1, "judul": "Jalan rusak", "lokasi": {"lat": -2.99, "lng": 104.75}}]}',
        '{"a": "\u00e9\u4e2d", "b": [true, false, null], "c": 1.5e-3}'.encode(),
        b'{"big": 123456789012345678901234567890}',  # past 64 bits: exact, not a float (orjson's answer)
        b'{"dup": 1, "dup": 2}',
        b'\xef\xbb\xbf{"bom": 1}',  # a UTF-8 byte-order mark
        '{"utf16": 1}'.encode("utf-16"),
        b'"\\ud800"',  # a lone surrogate
        '{"text": "as str"}',
    ],
)
def test_decode_json_gives_what_json_loads_gives(body):
    assert decode_json(body) == json.loads(body)


def test_decode_json_reads_nan_as_json_loads_does():
    value = decode_json(b'{"x": NaN}')["x"]
    assert isinstance(value, float) and math.isnan(value)


@pytest.mark.parametrize("body", [b"", b"{", b'{"a": 1,}', b"<html>502</html>", b"null x"])
def test_decode_json_raises_the_error_json_loads_raises(body):
    with pytest.raises(json.JSONDecodeError) as ours:
        decode_json(body)
    with pytest.raises(json.JSONDecodeError) as theirs:
        json.loads(body)
    assert str(ours.value) == str(theirs.value)


def test_gc_paused_pauses_and_restores_also_nested_and_on_error():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer batch is still running
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_gc_paused_across_threads_restores_when_the_last_batch_ends():
    inside, release = threading.Event(), threading.Event()

    def batch():
        with gc_paused():
            inside.set()
            release.wait(30)

    worker = threading.Thread(target=batch)
    worker.start()
    assert inside.wait(30)
    with gc_paused():
        pass
    assert not gc.isenabled()  # the other thread's batch is still running
    release.set()
    worker.join(30)
    assert gc.isenabled()


def test_decode_json_numbers_are_the_standard_decoders_to_the_bit():
    import random

    rng = random.Random(5)
    texts = []
    for _ in range(20_000):
        kind = rng.random()
        if kind < 0.3:
            texts.append(repr(rng.uniform(-1e3, 1e3)))
        elif kind < 0.5:
            mantissa = f"{rng.randint(-(10**18), 10**18)}.{rng.randint(0, 10**12)}"
            texts.append(f"{mantissa}e{rng.randint(-300, 280)}")
        elif kind < 0.8:
            texts.append(str(rng.randint(-(10**30), 10**30)))  # ids past 64 bits stay exact integers
        else:
            texts.append(f"{rng.random():.17g}")
    body = ("[" + ",".join(texts) + "]").encode()
    ours, theirs = decode_json(body), json.loads(body)
    assert [(type(v), v) for v in ours] == [(type(v), v) for v in theirs]
