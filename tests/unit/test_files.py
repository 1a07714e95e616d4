"""CSV/XLSX exports: headers found and mapped, encodings and delimiters detected, rows streamed."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from data_sources.files import FileReadError, open_table, row_id

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def rows(table) -> list[tuple[int, dict]]:
    with table:
        return list(table.rows())


def test_utf8_bom_semicolon_csv_with_a_title_block():
    table = open_table(FIXTURES / "elapor_januari_2026.csv")
    assert (table.kind, table.encoding, table.delimiter, table.header_row) == ("csv", "utf-8-sig", ";", 4)
    assert table.columns["external_id"] == "No. Tiket"
    assert table.columns["created_at"] == "Tanggal Laporan"
    assert table.columns["reporter_phone"] == "No. HP"
    data = rows(table)
    assert [n for n, _ in data] == [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17]  # the empty line 16 is skipped
    first = data[0][1]
    assert first["external_id"] == "LPR-2026-0001" and first["kecamatan"] == "Kec. Ilir Barat 1"
    assert data[1][1]["description"].startswith("Sampah di pasar belum diangkut 3 hari; biaya")  # quoted ";"


def test_cp1252_comma_csv():
    table = open_table(FIXTURES / "elapor_februari_cp1252.csv")
    assert (table.encoding, table.delimiter, table.header_row) == ("cp1252", ",", 1)
    data = rows(table)
    assert data[0][1]["title"] == "Café di trotoar"
    assert data[0][1]["lat"] == "-2.9740"


def test_xlsx_with_title_rows_split_date_and_time_and_coordinates():
    table = open_table(FIXTURES / "elapor_maret_2026.xlsx")
    assert (table.kind, table.sheet, table.header_row) == ("xlsx", "Laporan", 3)
    assert table.ignored == ["Kolom Catatan Internal"]
    data = rows(table)
    assert [n for n, _ in data] == [4, 5, 6, 7, 8, 9, 10]
    first = data[0][1]
    assert first["external_id"] == 20260001
    assert first["created_at"] == datetime(2026, 3, 2, 14, 30)  # "Tanggal" + "Jam"
    assert (first["lat"], first["lon"]) == ("-2.9608", "104.7461")  # from "Koordinat"
    assert "created_time" not in first and "coordinates" not in first


def test_headers_match_ignoring_case_spaces_punctuation_and_synonyms():
    csv_text = "NOMOR TIKET,tgl. laporan,  JUDUL ,isi,Status Laporan,kanal\nA1,02/01/2026,t,d,Baru,Web\n"
    table = open_table(csv_text.encode(), "x.csv")
    assert set(table.columns) == {"external_id", "created_at", "title", "description", "status", "channel"}


def test_bytes_and_file_objects_are_accepted():
    data = (FIXTURES / "elapor_maret_2026.xlsx").read_bytes()
    assert len(rows(open_table(data, "upload.xlsx"))) == 7
    assert len(rows(open_table(io.BytesIO(data), "upload.xlsx"))) == 7


def test_a_row_without_ticket_gets_a_stable_id_that_ignores_the_reporter():
    a = {"created_at": "02/01/2026", "title": "t", "reporter_name": "Budi"}
    b = {"created_at": "02/01/2026", "title": "t", "reporter_name": "Siti"}
    assert row_id(a) == row_id(b) and row_id(a).startswith("row-")
    assert row_id(a) != row_id({**a, "title": "u"})
    data = rows(open_table(FIXTURES / "elapor_januari_2026.csv"))
    no_ticket = [raw for _, raw in data if raw["external_id"].startswith("row-")]
    assert len(no_ticket) == 1
    again = [
        raw
        for _, raw in rows(open_table(FIXTURES / "elapor_januari_2026.csv"))
        if raw["title"] == "Tanpa nomor tiket"
    ]
    assert again[0]["external_id"] == no_ticket[0]["external_id"]


def test_a_quoted_cell_over_several_lines_reports_the_line_it_starts_on():
    text = 'No. Tiket;Tanggal Laporan;Judul\nA1;02/01/2026;"baris\nkedua"\nA2;03/01/2026;t\n'
    data = rows(open_table(text.encode(), "x.csv"))
    assert [(n, r["external_id"]) for n, r in data] == [(2, "A1"), (4, "A2")]
    assert data[0][1]["title"] == "baris\nkedua"


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b"", "empty.csv", "empty"),
        (b"hello\nworld\n", "x.csv", "no header row"),
        (b"Judul;Kategori;Status\nt;Sampah;Baru\n", "x.csv", "no column for created_at"),
        (
            b"No. Tiket;Tanggal Laporan;Kategori;Status\n1;02/01/2026;Sampah;Baru\n",
            "x.csv",
            "title or description",
        ),
        (b"PK\x03\x04garbage", "x.xlsx", "not a readable XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "x.xls", ".xls"),
        (b"just text", "x.xlsx", "not an XLSX"),
        (b"\x00\x01\x02binary", "x.bin", "binary"),
    ],
)
def test_unreadable_files_say_why_in_one_line(content, name, fragment):
    with pytest.raises(FileReadError, match=fragment) as info:
        rows(open_table(content, name))
    assert "\n" not in str(info.value) and name in str(info.value)


def test_a_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(FileReadError, match="cannot open"):
        open_table(tmp_path / "nope.csv")


def test_xlsx_header_on_a_later_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Catatan"])
    sheet = book.create_sheet("Data")
    sheet.append(["No. Tiket", "Tanggal Laporan", "Judul"])
    sheet.append(["B1", date(2026, 1, 2), "t"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    table = open_table(path)
    assert table.sheet == "Data"
    assert rows(table)[0][1]["created_at"] == datetime(2026, 1, 2)  # openpyxl reads date cells as datetimes


def test_a_large_csv_streams(tmp_path):
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("No. Tiket;Tanggal Laporan;Judul\n")
        for i in range(20_000):
            fh.write(f"T{i};02/01/2026 08:00;judul {i}\n")
    table = open_table(path)
    it = table.rows()
    assert next(it)[1]["external_id"] == "T0"  # the first row comes before the file is read through
    assert sum(1 for _ in it) == 19_999
    table.close()
