"""Contacts and NIK leave free text; dates, amounts, RT/RW and postal codes stay; identity is hashed."""

from __future__ import annotations

import pytest

from data_sources.privacy import (
    EMAIL,
    NIK,
    PHONE,
    reporter_hash,
    reporter_identity,
    safe_payload,
    scrub,
)


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "+6281234567890",
        "62 812 3456 7890",
        "6281234567890",
        "(+62) 812-3456-7890",
        "0812345678",
        "0857 1234 5678",
        "(0711) 352020",
        "0711-352020",
        "021-5551234",
        "+62 711 352020",
    ],
)
def test_phone_numbers_are_replaced(phone):
    assert scrub(f"hubungi {phone} segera") == f"hubungi {PHONE} segera"


@pytest.mark.parametrize("email", ["budi@example.com", "budi.santoso+lapor@mail.co.id", "WARGA_01@Contoh.ID"])
def test_emails_are_replaced(email):
    assert scrub(f"email: {email}.") == f"email: {EMAIL}."


@pytest.mark.parametrize(
    "nik", ["1671051234560001", "1671 0512 3456 0001", "1671-0512-3456-0001", "16.71.05.123456.0001"]
)
def test_nik_is_replaced_also_with_separators(nik):
    assert scrub(f"NIK saya {nik}, terima kasih") == f"NIK saya {NIK}, terima kasih"


@pytest.mark.parametrize(
    "text",
    [
        "Rp 1.500.000",
        "Rp1.500.000,00",
        "biaya Rp. 62.812.345.678",
        "IDR 1671051234560001",
        "tanggal 02/01/2026 pukul 08:30",
        "2026-01-02 08:30:00",
        "12-03-2026 13-03-2026",
        "jam 08.30.15",
        "RT 05/RW 03",
        "RT 005 RW 003",
        "kode pos 30126",
        "Jl. Sudirman No. 123",
        "sudah 3 hari, 2 kali lapor",
        "ticket LPR-2026-0001",
        "1.500.000 jiwa",
        "koordinat -2.9760, 104.7450",
        "tahun 2025-2026",
    ],
)
def test_dates_amounts_rt_rw_and_postal_codes_survive(text):
    assert scrub(text) == text


def test_several_kinds_in_one_text():
    text = "Saya Budi (0812-3456-7890, budi@example.com, NIK 1671051234560001) di RT 05/RW 03, 30126."
    assert scrub(text) == f"Saya Budi ({PHONE}, {EMAIL}, NIK {NIK}) di RT 05/RW 03, 30126."


def test_scrub_is_idempotent_and_tolerates_nothing():
    once = scrub("hubungi 0812-3456-7890")
    assert scrub(once) == once
    assert scrub("") == ""
    assert scrub(None) == ""


def test_the_same_reporter_hashes_the_same_across_spellings():
    a = reporter_hash("salt", "Budi", "0812-3456-7890", None, None)
    b = reporter_hash("salt", "BUDI S.", "+62 812 3456 7890", "budi@example.com", None)
    c = reporter_hash("salt", None, 81234567890, None, None)  # a spreadsheet ate the leading 0
    assert a == b == c
    assert len(a) == 64 and "812" not in a


def test_the_hash_depends_on_the_salt_and_the_person():
    assert reporter_hash("salt", None, "081234567890", None, None) != reporter_hash(
        "other", None, "081234567890", None, None
    )
    assert reporter_hash("salt", None, "081234567890", None, None) != reporter_hash(
        "salt", None, "081234567891", None, None
    )


def test_the_hash_is_hmac_sha256_of_the_identity_with_the_salt_as_key():
    # Stored hashes must stay comparable with those written before: the keyed states are built
    # by hand (privacy._keyed), so they are checked against the standard library's HMAC, with a
    # salt shorter and one longer than SHA-256's 64-byte block.
    import hashlib
    import hmac

    for salt in ("salt", "s" * 100, "garam-rahasia-ñ"):
        expected = hmac.new(salt.encode(), b"tel:6281234567890", hashlib.sha256).hexdigest()
        assert reporter_hash(salt, None, "0812-3456-7890", None, None) == expected


def test_strongest_identifier_wins():
    assert (
        reporter_identity("Budi", "0812 3456 7890", "b@x.id", "1671 0512 3456 0001") == "nik:1671051234560001"
    )
    assert reporter_identity("Budi", None, "B@X.ID ", None) == "email:b@x.id"
    assert reporter_identity("Budi  Santoso", None, None, None) == "name:budi santoso"


@pytest.mark.parametrize("name", [None, "", "-", "Anonim", "ANONYMOUS", "Hamba Allah", "Tanpa Nama"])
def test_no_identity_no_hash(name):
    assert reporter_hash("salt", name, None, None, None) is None
    assert reporter_hash("salt", name, "12", "not-an-email", "123") is None  # implausible values


def test_safe_payload_drops_identity_and_scrubs_text():
    raw = {
        "external_id": "A-1",
        "title": "hubungi 0812-3456-7890",
        "reporter_name": "Budi",
        "reporter_phone": "0812",
        "reporter_email": "b@x.id",
        "reporter_nik": "1671051234560001",
        "history": [{"at": "2026-01-01", "status": "baru", "note": "email b@x.id"}],
        "lat": float("nan"),
    }
    payload = safe_payload(raw)
    assert not any(k.startswith("reporter") for k in payload)
    assert payload["title"] == f"hubungi {PHONE}"
    assert payload["history"][0]["note"] == f"email {EMAIL}"
    assert payload["lat"] is None
