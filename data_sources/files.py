"""CSV and XLSX exports of e-Lapor: find the header row, map Indonesian headers, stream the rows.

Headers are matched ignoring case, spaces and punctuation, with synonyms ("No. Tiket", "Nomor
Tiket", "ID Laporan" are all the ticket number). The header row may sit below a title block
(the first 15 rows are searched). CSV: UTF-8 (with or without BOM) or Windows-1252, comma,
semicolon or tab as delimiter. XLSX: the first sheet that has a header row, read in openpyxl's
streaming mode. Rows are produced one at a time, so a 100,000-row file is never held in memory.

Each row becomes the canonical raw dict of data_sources.records (see validate). A row without a
ticket number gets a stable id from a hash of its content, so re-importing the file finds it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from data_sources.dates import DateError, with_time
from data_sources.normalize import alias_key, is_blank

HEADER_SEARCH_ROWS = 15
MIN_HEADER_MATCHES = 3

# Canonical field -> the headers e-Lapor exports, clerks and other systems use for it.
HEADERS: dict[str, tuple[str, ...]] = {
    "external_id": ("No. Tiket", "Nomor Tiket", "No Tiket", "Tiket", "ID Laporan", "No. Laporan",
                    "Nomor Laporan", "Kode Laporan", "ID", "Ticket", "Ticket No", "Report ID", "external_id"),
    "tracking_id": ("ID Pelacakan", "Kode Pelacakan", "No. Pelacakan", "Tracking ID", "tracking_id"),
    "report_type": ("Jenis Laporan", "Tipe Laporan", "Jenis", "Klasifikasi", "Klasifikasi Laporan",
                    "Report Type", "report_type"),
    "title": ("Judul", "Judul Laporan", "Subjek", "Perihal", "Title", "Subject"),
    "description": ("Isi Laporan", "Isi", "Isi Pengaduan", "Uraian", "Uraian Laporan", "Deskripsi",
                    "Keterangan", "Laporan", "Description"),
    "category": ("Kategori", "Kategori Laporan", "Topik", "Sub Kategori", "Category"),
    "agency": ("Instansi", "Instansi Tujuan", "Instansi Terdisposisi", "Disposisi", "OPD", "Unit Kerja",
               "Dinas", "Agency"),
    "kecamatan": ("Kecamatan", "Kec", "Lokasi Kecamatan", "District"),
    "kelurahan": ("Kelurahan", "Kel", "Desa/Kelurahan", "Kelurahan/Desa", "Village"),
    "lat": ("Latitude", "Lat", "Lintang"),
    "lon": ("Longitude", "Lon", "Lng", "Long", "Bujur"),
    "coordinates": ("Koordinat", "Titik Koordinat", "Lokasi (lat,lon)", "Coordinates"),
    "channel": ("Kanal", "Sumber", "Sumber Laporan", "Media", "Saluran", "Kanal Pengaduan", "Channel"),
    "anonymous": ("Anonim", "Laporan Anonim", "Anonymous"),
    "confidential": ("Rahasia", "Laporan Rahasia", "Confidential"),
    "reporter_name": ("Nama Pelapor", "Pelapor", "Nama", "Reporter"),
    "reporter_phone": ("No. HP", "No HP", "Nomor HP", "No. Telepon", "No Telepon", "Nomor Telepon",
                       "Telepon", "HP", "No. Telp", "Telp", "WhatsApp", "No. WA", "Phone"),
    "reporter_email": ("Email", "E-mail", "Surel", "Email Pelapor", "Alamat Email"),
    "reporter_nik": ("NIK", "NIK Pelapor", "No. KTP", "Nomor KTP", "KTP"),
    "created_at": ("Tanggal Laporan", "Tanggal", "Tgl Laporan", "Tgl. Laporan", "Tanggal Masuk",
                   "Waktu Laporan", "Tanggal Dibuat", "Tanggal Pengaduan", "Created", "Created At",
                   "created_at"),
    "created_time": ("Jam", "Jam Laporan", "Pukul", "Waktu"),
    "verified_at": ("Tanggal Verifikasi", "Tgl Verifikasi", "Waktu Verifikasi", "Diverifikasi",
                    "verified_at"),
    "forwarded_at": ("Tanggal Diteruskan", "Tanggal Disposisi", "Tgl Disposisi", "Tanggal Terdisposisi",
                     "Waktu Disposisi", "forwarded_at"),
    "first_response_at": ("Tanggal Tindak Lanjut", "Tanggal Tanggapan", "Tanggal Respon",
                          "Tindak Lanjut Pertama", "Tgl Tindak Lanjut", "first_response_at"),
    "resolved_at": ("Tanggal Selesai", "Tgl Selesai", "Tanggal Penyelesaian", "resolved_at"),
    "closed_at": ("Tanggal Ditutup", "Tanggal Tutup", "Tgl Tutup", "Closed At", "closed_at"),
    "status": ("Status", "Status Laporan", "Status Tiket"),
    "outcome": ("Hasil", "Hasil Akhir", "Hasil Tindak Lanjut", "Outcome"),
    "updated_at": ("Terakhir Diperbarui", "Tanggal Update", "Tanggal Pembaruan", "Diperbarui",
                   "Update Terakhir", "Terakhir Diubah", "Updated At", "Last Update", "updated_at"),
}  # fmt: skip
_HEADER_INDEX = {alias_key(h): name for name, headers in HEADERS.items() for h in headers}
# Without these a file cannot be imported at all (title OR description, checked separately).
REQUIRED = ("created_at",)
# Not stored, and not part of a row's identity: a row's id must not depend on who reported it.
_IDENTITY_FREE = {"reporter_name", "reporter_phone", "reporter_email", "reporter_nik"}


class FileReadError(Exception):
    """The file itself cannot be imported; the message says why in one line."""


@dataclass
class Table:
    """An opened export: what was recognised, and an iterator over its data rows."""

    kind: str  # "csv" or "xlsx"
    columns: dict[str, str]  # canonical field -> the header as written in the file
    ignored: list[str]  # headers not recognised (or a second column for the same field)
    header_row: int  # 1-based row (line) of the header
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    _rows: Iterator[tuple[int, list[Any]]] | None = field(default=None, repr=False)
    _positions: dict[str, int] = field(default_factory=dict, repr=False)
    _closer: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(sheet row number, canonical raw dict) for every non-empty data row."""
        pos = self._positions
        for number, cells in self._rows or ():
            if all(is_blank(c) for c in cells):
                continue
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in pos.items()}
            yield number, _finish(raw)

    def close(self) -> None:
        """Release the file (XLSX keeps it open while streaming)."""
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _finish(raw: dict[str, Any]) -> dict[str, Any]:
    """Combine split columns (date + time, "lat, lon") and give id-less rows a stable id."""
    time_value = raw.pop("created_time", None)
    if time_value is not None:
        try:
            raw["created_at"] = with_time(raw.get("created_at"), time_value)
        except DateError:
            # Left as text for validate to reject, so the report shows the date and time read.
            day = raw.get("created_at")
            day = (
                day.date().isoformat()
                if isinstance(day, datetime)
                else getattr(day, "isoformat", lambda: day)()
            )
            raw["created_at"] = f"{day} {time_value}"
    coords = raw.pop("coordinates", None)
    if not is_blank(coords) and is_blank(raw.get("lat")) and is_blank(raw.get("lon")):
        parts = str(coords).replace(";", ",").split(",")
        if len(parts) == 2:
            raw["lat"], raw["lon"] = parts[0].strip(), parts[1].strip()
        elif len(parts) == 4:  # "-2,97, 104,75": decimal commas
            raw["lat"], raw["lon"] = f"{parts[0]}.{parts[1]}".strip(), f"{parts[2]}.{parts[3]}".strip()
        else:
            raw["lat"], raw["lon"] = coords, ""  # validate reports "one coordinate without the other"
    if is_blank(raw.get("external_id")):
        raw["external_id"] = row_id(raw)
    return raw


def row_id(raw: dict[str, Any]) -> str:
    """A stable id for a row without a ticket number: a hash of its content (identity excluded)."""
    parts = [f"{k}={raw[k]}" for k in sorted(raw) if k not in _IDENTITY_FREE and k != "external_id"]
    return "row-" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def _match_header(cells: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    ignored: list[str] = []
    for i, cell in enumerate(cells):
        if is_blank(cell):
            continue
        header = " ".join(str(cell).split())
        name = _HEADER_INDEX.get(alias_key(header))
        if name is None or name in positions:
            ignored.append(header)
            continue
        positions[name] = i
        names[name] = header
    return positions, names, ignored


def _find_header(rows: Iterator[tuple[int, list[Any]]], what: str) -> tuple[int, dict, dict, list]:
    for number, cells in rows:
        positions, names, ignored = _match_header(cells)
        if len(positions) >= MIN_HEADER_MATCHES:
            missing = [f for f in REQUIRED if f not in positions]
            if "title" not in positions and "description" not in positions:
                missing.append("title or description")
            if missing:
                raise FileReadError(
                    f"{what}: the header row (row {number}) has no column for {', '.join(missing)} "
                    f"(e.g. 'Tanggal Laporan', 'Judul', 'Isi Laporan')"
                )
            return number, positions, names, ignored
        if number >= HEADER_SEARCH_ROWS:
            break
    raise FileReadError(
        f"{what}: no header row with e-Lapor columns (such as 'No. Tiket', 'Tanggal Laporan', "
        f"'Judul') in the first {HEADER_SEARCH_ROWS} rows"
    )


# ---------------------------------------------------------------------------- CSV ----


def _decoded_lines(binary: IO[bytes], state: dict[str, str]) -> Iterator[str]:
    # Decided line by line: a file is UTF-8 until a line is not, and then Windows-1252 (the
    # encoding Excel on Indonesian Windows saves "CSV" in) from that line on.
    for line in binary:
        if state["encoding"] != "cp1252":
            try:
                yield line.decode("utf-8")
                continue
            except UnicodeDecodeError:
                state["encoding"] = "cp1252"
        yield line.decode("cp1252", errors="replace")


def _sniff_delimiter(line: str) -> str:
    counts = {d: 0 for d in (",", ";", "\t", "|")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def open_csv(binary: IO[bytes], what: str) -> Table:
    """A CSV export as a Table (encoding and delimiter detected)."""
    state = {"encoding": "utf-8"}
    lines = _decoded_lines(binary, state)
    head = [line for _, line in zip(range(HEADER_SEARCH_ROWS), lines, strict=False)]
    if not any(line.strip() for line in head):
        raise FileReadError(f"{what}: the file is empty")
    if head[0].startswith("\ufeff"):
        head[0] = head[0][1:]
        state["encoding"] = "utf-8-sig"
    if head[0].strip().lower().startswith("sep=") and len(head[0].strip()) == 5:
        delimiter = head[0].strip()[4]  # Excel's "sep=;" first line
    else:
        # The header is the line with the most separators; a title block above it has few.
        delimiter = max(((_sniff_delimiter(line), line) for line in head),
                        key=lambda d: d[1].count(d[0]) if d[0] in d[1] else 0)[0]  # fmt: skip

    def all_lines() -> Iterator[str]:
        yield from head
        yield from lines

    reader = csv.reader(all_lines(), delimiter=delimiter)

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            while True:
                start = reader.line_num + 1  # a quoted cell may span lines: report where it starts
                cells = next(reader, None)
                if cells is None:
                    return
                yield start, cells
        except csv.Error as exc:
            raise FileReadError(f"{what}: line {reader.line_num} is not valid CSV ({exc})") from None

    rows = numbered()
    number, positions, names, ignored = _find_header(rows, what)
    return Table("csv", names, ignored, number, encoding=state["encoding"], delimiter=delimiter, _rows=rows,
                 _positions=positions)  # fmt: skip


# --------------------------------------------------------------------------- XLSX ----


def open_xlsx(binary: IO[bytes], what: str) -> Table:
    """An XLSX export as a Table (the first sheet with a header row)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileReadError(f"{what}: not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    last_error: FileReadError | None = None
    for sheet in book.worksheets:
        rows = ((i, list(cells)) for i, cells in enumerate(sheet.iter_rows(values_only=True), 1))
        try:
            number, positions, names, ignored = _find_header(rows, f"{what} [{sheet.title}]")
        except FileReadError as exc:
            last_error = exc
            continue
        return Table("xlsx", names, ignored, number, sheet=sheet.title, _rows=rows, _positions=positions,
                     _closer=book.close)  # fmt: skip
    book.close()
    raise last_error or FileReadError(f"{what}: the workbook has no sheets")


# --------------------------------------------------------------------------- entry ----


def open_table(source: str | Path | bytes | IO[bytes], filename: str | None = None) -> Table:
    """Open a CSV or XLSX export (a path, bytes or a binary file); raises FileReadError naming why."""
    what = filename or (str(source) if isinstance(source, str | Path) else "upload")
    if isinstance(source, str | Path):
        try:
            binary: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed by the Table's reader or below
        except OSError as exc:
            raise FileReadError(f"{what}: cannot open ({exc.strerror or exc})") from None
    elif isinstance(source, bytes | bytearray):
        binary = io.BytesIO(source)
    else:
        binary = source
    try:
        magic = binary.read(8)
        binary.seek(0)
    except OSError as exc:
        raise FileReadError(f"{what}: cannot read ({exc})") from None
    suffix = Path(what).suffix.lower()
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileReadError(f"{what}: an old Excel (.xls) file; save it as .xlsx or CSV and import that")
    if magic.startswith(b"PK\x03\x04"):
        table = open_xlsx(binary, what)
        closer = table._closer
        table._closer = lambda: (closer and closer(), binary.close())
        return table
    if suffix in (".xlsx", ".xlsm"):
        raise FileReadError(f"{what}: has an Excel name but is not an XLSX workbook")
    if b"\x00" in magic:
        raise FileReadError(f"{what}: a binary file, not CSV or XLSX")
    table = open_csv(binary, what)
    table._closer = binary.close
    return table
