"""Mapping of outside record shapes (e-Lapor, Open311) onto the canonical raw dict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data_sources.mapping import (
    ELAPOR_FIELDS,
    MappingError,
    elapor_history,
    elapor_to_raw,
    open311_status,
    open311_to_raw,
)
from data_sources.records import ComplaintRecord
from data_sources.validate import NormalizeContext, validate

ITEM = {
    "id": 3100029,
    "nomor_tiket": "PLG-2026-0000030",
    "jenis_laporan": "Pengaduan",
    "judul": "Jalan berlubang di Jl. Ahmad Yani",
    "isi": "Lubang besar di depan pasar. Hubungi saya 0812-3456-7890.",
    "kategori": "Jalan Rusak",
    "instansi_tujuan": {"kode": "PUPR-PLG", "nama": "Dinas Pekerjaan Umum dan Penataan Ruang"},
    "kecamatan": "IT I",
    "kelurahan": "Kel. 20 Ilir D. I",
    "alamat": "Jl. Ahmad Yani",
    "lokasi": {"lat": -2.9761, "lng": 104.7754},
    "kanal": "Aplikasi Mobile",
    "anonim": False,
    "rahasia": True,
    "pelapor": {"nama": "Maya Utami", "telepon": "082132859031", "email": "maya@example.id", "nik": None},
    "tanggal_dibuat": "2026-09-01T10:28:15+07:00",
    "status": "Ditindaklanjuti",
    "hasil": None,
    "tanggal_verifikasi": "2026-09-01T11:04:55+07:00",
    "tanggal_disposisi": "2026-09-02T08:40:00+07:00",
    "tanggal_tanggapan_pertama": "2026-09-04T13:12:09+07:00",
    "tanggal_selesai": None,
    "tanggal_ditutup": None,
    "tanggal_diperbarui": "2026-09-04T13:12:09+07:00",
    "riwayat": [
        {
            "waktu": "2026-09-01T10:28:15+07:00",
            "status": "Belum Terverifikasi",
            "catatan": "Laporan diterima",
        },
        {"waktu": "2026-09-01T11:04:55+07:00", "status": "Terverifikasi", "catatan": "Diverifikasi"},
        {"waktu": "2026-09-02T08:40:00+07:00", "status": "Didisposisikan", "catatan": "Ke Dinas PUPR"},
        {"waktu": "2026-09-04T13:12:09+07:00", "status": "Ditindaklanjuti", "catatan": "Ditangani"},
    ],
}


def test_an_elapor_item_maps_onto_every_canonical_field():
    raw = elapor_to_raw(ITEM)
    assert raw["external_id"] == 3100029 and raw["tracking_id"] == "PLG-2026-0000030"
    assert raw["agency"] == "Dinas Pekerjaan Umum dan Penataan Ruang"  # the name of a {kode, nama} object
    assert (raw["lat"], raw["lon"]) == (-2.9761, 104.7754)
    assert (raw["reporter_name"], raw["reporter_phone"]) == ("Maya Utami", "082132859031")
    assert raw["reporter_nik"] is None
    assert (raw["anonymous"], raw["confidential"]) == (False, True)
    assert raw["status"] == "ditindaklanjuti"  # LAPOR! label -> our code
    assert raw["forwarded_at"] == "2026-09-02T08:40:00+07:00"
    assert [h["status"] for h in raw["history"]] == ["baru", "diverifikasi", "diteruskan", "ditindaklanjuti"]
    assert raw["history"][2] == {
        "at": "2026-09-02T08:40:00+07:00",
        "status": "diteruskan",
        "note": "Ke Dinas PUPR",
    }
    assert set(raw) == set(ELAPOR_FIELDS) | {"history"}
    assert "alamat" not in raw and "pelapor" not in raw


def test_a_mapped_item_validates_into_the_record_it_describes():
    record = validate(elapor_to_raw(ITEM), "elapor", NormalizeContext.from_reference("salt"))
    assert isinstance(record, ComplaintRecord), record
    assert record.external_id == "3100029"
    assert record.kecamatan_code == "16.71.05" and record.category_code == "jalan_rusak"
    assert record.agency_code == "pupr" and record.channel == "app"
    assert record.status == "ditindaklanjuti" and len(record.history) == 4
    assert record.created_at == datetime(2026, 9, 1, 3, 28, 15, tzinfo=UTC)
    assert "0812" not in record.description and record.reporter_hash and record.confidential


def test_fields_that_are_absent_stay_absent():
    raw = elapor_to_raw({"id": "7", "judul": "x", "lokasi": None, "pelapor": None})
    assert raw == {"external_id": "7", "title": "x"}


def test_older_exports_are_read_through_fallback_names():
    raw = elapor_to_raw({"id_laporan": 9, "sumber": "SMS 1708", "lokasi": {"lat": -3.0, "lon": 104.7}})
    assert (raw["external_id"], raw["channel"], raw["lon"]) == (9, "SMS 1708", 104.7)


@pytest.mark.parametrize(
    ("label", "code"),
    [("Belum Terverifikasi", "baru"), ("TERVERIFIKASI", "diverifikasi"), ("  didisposisikan ", "diteruskan"),
     ("Selesai", "selesai"), ("Diarsipkan", "ditutup"), ("In Progress", "In Progress"), (3, 3)],
)  # fmt: skip
def test_status_labels_map_and_unknown_ones_pass_through_for_validation(label, code):
    assert elapor_to_raw({"id": 1, "status": label})["status"] == code


def test_outcome_labels_map_to_codes():
    assert elapor_to_raw({"id": 1, "hasil": "Bukan Wewenang"})["outcome"] == "bukan_wewenang"
    assert elapor_to_raw({"id": 1, "hasil": {"nama": "Ditolak"}})["outcome"] == "ditolak"


def test_lokasi_that_is_not_an_object_is_a_mapping_error_naming_both_fields():
    with pytest.raises(MappingError) as caught:
        elapor_to_raw({"id": 1, "lokasi": "-2.97,104.77"})
    assert caught.value.field == "lat" and "lokasi: expected an object, got str" in caught.value.reason


def test_an_item_that_is_not_an_object_is_a_mapping_error():
    with pytest.raises(MappingError, match="expected a JSON object, got list"):
        elapor_to_raw([1, 2])


def test_a_reporter_given_as_a_name_is_read_and_other_shapes_are_left_out():
    assert elapor_to_raw({"id": 1, "pelapor": "Budi Santoso"})["reporter_name"] == "Budi Santoso"
    raw = elapor_to_raw({"id": 1, "pelapor": 12345})
    assert not any(k.startswith("reporter") for k in raw)


def test_history_that_is_not_a_list_of_objects_passes_on_for_validation_to_name():
    assert elapor_history({"status": "Selesai"}) == {"status": "Selesai"}
    assert elapor_history(["oops", {"waktu": "w", "status": "Selesai"}]) == [
        "oops",
        {"at": "w", "status": "selesai", "note": None},
    ]
    rejection = validate(
        elapor_to_raw({**ITEM, "riwayat": {"waktu": "x"}}), "elapor", NormalizeContext.from_reference("s")
    )
    assert rejection.field == "history" and "expected a list" in rejection.reason


# --------------------------------------------------------------------------- Open311 ----


@pytest.mark.parametrize(
    ("status", "notes", "expected"),
    [
        ("open", None, ("baru", None)),
        ("open", "  ", ("baru", None)),
        ("OPEN", "Acknowledged by the city", ("diverifikasi", None)),
        ("open", "Assigned to Public Works", ("diteruskan", None)),
        ("open", "Crew dispatched", ("ditindaklanjuti", None)),
        ("open", "Thanks for your report", ("ditindaklanjuti", None)),
        ("closed", "Fixed on site", ("selesai", "selesai")),
        ("closed", "Sudah diperbaiki", ("selesai", "selesai")),
        ("closed", "Duplicate request", ("ditutup", "ditolak")),
        ("closed", "Referred: not our jurisdiction", ("ditutup", "bukan_wewenang")),
        ("closed", "Incomplete report, returned", ("ditutup", "dikembalikan")),
        ("closed", None, ("ditutup", None)),
        ("pending", None, ("pending", None)),
    ],
)
def test_open311_status_and_notes(status, notes, expected):
    assert open311_status(status, notes) == expected


def test_an_open311_request_maps_onto_canonical_fields():
    raw = open311_to_raw(
        {
            "service_request_id": "638344",
            "token": "abc-1",
            "status": "closed",
            "status_notes": "Pothole filled",
            "service_name": None,
            "service_code": "JLN",
            "description": "Lubang di jalan",
            "agency_responsible": "Dinas PUPR",
            "requested_datetime": "2026-03-01T08:00:00+07:00",
            "updated_datetime": "2026-03-03T10:00:00+07:00",
            "expected_datetime": "2026-03-06T08:00:00+07:00",
            "address": "Jl. Merdeka 5, Kel. Talang Semut, Kec. Bukit Kecil",
            "lat": -2.99,
            "long": 104.75,
        },
        services={"JLN": "Jalan Rusak"},
    )
    assert raw["external_id"] == "638344" and raw["tracking_id"] == "abc-1"
    assert raw["category"] == "Jalan Rusak" and raw["title"].startswith("Jalan Rusak di Jl. Merdeka")
    assert (raw["lat"], raw["lon"]) == (-2.99, 104.75)
    assert (raw["kecamatan"], raw["kelurahan"]) == ("Bukit Kecil", "Talang Semut")
    assert (raw["status"], raw["outcome"]) == ("ditutup", None)  # "filled" says nothing about the outcome
    assert raw["closed_at"] == raw["updated_at"] == "2026-03-03T10:00:00+07:00"
    assert raw["expected_at"] == "2026-03-06T08:00:00+07:00"
    record = validate(raw, "open311", NormalizeContext.from_reference("salt"))
    assert isinstance(record, ComplaintRecord), record
    assert record.kecamatan_code == "16.71.11" and record.category_code == "jalan_rusak"


def test_open311_without_updated_datetime_uses_the_request_time():
    raw = open311_to_raw(
        {"service_request_id": 1, "status": "open", "requested_datetime": "2026-01-01T00:00:00Z"}
    )
    assert raw["updated_at"] == "2026-01-01T00:00:00Z" and raw["status"] == "baru"
