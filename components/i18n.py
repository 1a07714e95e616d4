"""Words and number/date formats in Bahasa Indonesia (first) and English.

The language is a cookie ("lang") set by the navbar toggle; `current_lang()` reads it from the
request being served, so layouts and callbacks of one visitor agree without a global.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from components.i18n_admin import TEXT as _admin_text
from components.i18n_cameras import TEXT as _cameras_text
from components.i18n_public import TEXT as _public_text
from components.i18n_reports import TEXT as _reports_text
from config import get_settings

WIB = timezone(timedelta(hours=7), "WIB")
LANGS = ("id", "en")
_LOCALE = {"id": "id_ID", "en": "en_GB"}

TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app.title": ("Lawang Jabo", "Lawang Jabo"),
    "app.subtitle": ("Command Center Kota Palembang", "Palembang City Command Center"),
    "nav.ringkasan": ("Ringkasan", "Overview"),
    "nav.statistik": ("Statistik Aduan", "Complaint Statistics"),
    "nav.lang_toggle": ("English", "Bahasa Indonesia"),
    "asof": ("Data per {when}", "Data as of {when}"),
    "asof.none": ("Belum ada data", "No data yet"),
    "asof.stale": (
        "Data terakhir berumur {age}: periksa umpan e-Lapor",
        "Latest data is {age} old: check the e-Lapor feed",
    ),
    "notfound.title": ("Halaman tidak ditemukan", "Page not found"),
    "notfound.back": ("Kembali ke Ringkasan", "Back to the overview"),
    # periods
    "period": ("Periode", "Period"),
    "period.days": ("{n} hari terakhir", "Last {n} days"),
    "period.range": ("{start} s.d. {end}", "{start} to {end}"),
    "period.vs": ("dibanding {start} s.d. {end}", "compared with {start} to {end}"),
    # KPIs
    "kpi.complaints": ("Aduan masuk", "Complaints received"),
    "kpi.resolved_pct": ("Diselesaikan", "Resolved"),
    "kpi.median_hours": ("Median waktu selesai", "Median time to resolve"),
    "kpi.sla_pct": ("Kepatuhan SLA", "SLA compliance"),
    "kpi.open_beyond_sla": ("Terbuka melewati SLA", "Open beyond SLA"),
    "kpi.open_beyond_sla.note": ("per {when}", "as of {when}"),
    "kpi.delta.none": ("tidak ada pembanding", "no comparison"),
    "kpi.pts": ("poin", "pts"),
    "unit.hours": ("{n} jam", "{n} h"),
    "unit.days": ("{n} hari", "{n} days"),
    # Ringkasan
    "ringkasan.title": ("Ringkasan Kinerja Pengaduan", "Complaint Handling Overview"),
    "ringkasan.worst_kec": (
        "5 kecamatan dengan kepatuhan SLA terendah",
        "5 kecamatan with the lowest SLA compliance",
    ),
    "ringkasan.worst_opd": (
        "5 OPD dengan kepatuhan SLA terendah",
        "5 agencies with the lowest SLA compliance",
    ),
    "ringkasan.attention": ("Perlu perhatian", "Needs attention"),
    "ringkasan.attention.none": (
        "Tidak ada yang perlu perhatian khusus pada periode ini.",
        "Nothing needs special attention in this period.",
    ),
    "ringkasan.attention.more": (
        "dan {n} hal lain — lihat Statistik Aduan",
        "and {n} more — see Complaint Statistics",
    ),
    "ringkasan.to_stats": ("Lihat rincian di Statistik Aduan", "See details in Complaint Statistics"),
    "att.sla_low": ("{name}: kepatuhan SLA {value}", "{name}: SLA compliance {value}"),
    "att.beyond_sla": (
        "{name}: {value} aduan terbuka melewati SLA",
        "{name}: {value} open complaints beyond SLA",
    ),
    "att.rise_kecamatan": (
        "Kecamatan {name}: aduan naik {change} ({prev} → {value})",
        "Kecamatan {name}: complaints up {change} ({prev} → {value})",
    ),
    "att.rise_category": (
        "Kategori {name}: aduan naik {change} ({prev} → {value})",
        "Category {name}: complaints up {change} ({prev} → {value})",
    ),
    # Statistik
    "stat.title": ("Statistik Aduan", "Complaint Statistics"),
    "stat.filters": ("Saring", "Filter"),
    "stat.reset": ("Hapus saringan", "Clear filters"),
    "stat.all": ("Semua", "All"),
    "stat.bad_filter": (
        "Saringan di alamat tidak dikenal dan diabaikan: {error}",
        "A filter in the address is not known and was ignored: {error}",
    ),
    "stat.click_hint": (
        "Klik batang kecamatan untuk menyaring halaman.",
        "Click a kecamatan bar to filter the page.",
    ),
    "stat.per_kecamatan": ("Aduan per kecamatan", "Complaints per kecamatan"),
    "stat.trend": ("Tren aduan", "Complaint trend"),
    "stat.per_category": ("Per kategori", "By category"),
    "stat.per_agency": ("Per OPD", "By agency"),
    "stat.per_channel": ("Per kanal", "By channel"),
    "stat.time_to_close": ("Sebaran waktu penyelesaian (hari)", "Time to resolve (days)"),
    "stat.funnel": ("Alur penanganan", "Handling funnel"),
    "stat.outcomes": ("Hasil akhir (ditutup ≠ diselesaikan)", "Outcomes (closed ≠ resolved)"),
    "stat.table": ("Angka per kecamatan", "Figures per kecamatan"),
    "stat.export": ("Unduh CSV", "Download CSV"),
    "stat.weekly": ("Mingguan", "Weekly"),
    "stat.daily": ("Harian", "Daily"),
    "stat.empty": ("Tidak ada aduan untuk saringan ini.", "No complaints match these filters."),
    # filter fields
    "f.dates": ("Tanggal masuk", "Date received"),
    "f.kecamatan": ("Kecamatan", "Kecamatan"),
    "f.category": ("Kategori", "Category"),
    "f.agency": ("OPD", "Agency"),
    "f.channel": ("Kanal", "Channel"),
    "f.report_type": ("Jenis laporan", "Report type"),
    "f.status": ("Status", "Status"),
    # columns
    "col.name": ("Nama", "Name"),
    "col.complaints": ("Aduan", "Complaints"),
    "col.resolved": ("Selesai", "Resolved"),
    "col.resolved_pct": ("% selesai", "% resolved"),
    "col.median_hours": ("Median jam", "Median hours"),
    "col.p90_hours": ("P90 jam", "P90 hours"),
    "col.sla_pct": ("% SLA", "% SLA"),
    "col.open": ("Terbuka", "Open"),
    "col.open_beyond_sla": ("Lewat SLA", "Beyond SLA"),
    "col.age": ("Umur {band} hari", "Age {band} days"),
    "col.stage": ("Tahap", "Stage"),
    # vocabularies
    "channel.web": ("Situs web", "Website"),
    "channel.sms1708": ("SMS 1708", "SMS 1708"),
    "channel.app": ("Aplikasi", "Mobile app"),
    "channel.sosmed": ("Media sosial", "Social media"),
    "report_type.pengaduan": ("Pengaduan", "Complaint"),
    "report_type.aspirasi": ("Aspirasi", "Aspiration"),
    "report_type.permintaan_informasi": ("Permintaan informasi", "Information request"),
    "status.baru": ("Baru", "New"),
    "status.diverifikasi": ("Diverifikasi", "Verified"),
    "status.diteruskan": ("Diteruskan ke OPD", "Forwarded to agency"),
    "status.ditindaklanjuti": ("Ditindaklanjuti", "Being followed up"),
    "status.selesai": ("Selesai", "Resolved"),
    "status.ditutup": ("Ditutup", "Closed"),
    "stage.diterima": ("Diterima", "Received"),
    "stage.diverifikasi": ("Diverifikasi", "Verified"),
    "stage.diteruskan": ("Diteruskan", "Forwarded"),
    "stage.ditindaklanjuti": ("Ditindaklanjuti", "Followed up"),
    "stage.selesai": ("Selesai", "Resolved"),
    "outcome.selesai": ("Selesai (masalah diatasi)", "Resolved (fixed)"),
    "outcome.bukan_wewenang": ("Bukan wewenang", "Not within authority"),
    "outcome.dikembalikan": ("Dikembalikan", "Returned"),
    "outcome.ditolak": ("Ditolak", "Rejected"),
    "outcome.belum_selesai": ("Belum selesai", "Not yet closed"),
    # Kesehatan Data (data health) and the navbar's stale-feed flag
    "nav.kesehatan": ("Kesehatan Data", "Data Health"),
    "shell.stale": ("Umpan {source} terlambat", "{source} feed is late"),
    "shell.stale.title": (
        "Sinkronisasi terakhir yang berhasil sudah lebih dari dua interval lalu. Lihat Kesehatan Data.",
        "The last successful sync is more than two intervals old. See Data Health.",
    ),
    "source.elapor": ("e-Lapor", "e-Lapor"),
    "source.open311": ("Open311", "Open311"),
    "source.file:elapor": ("Berkas e-Lapor", "e-Lapor files"),
    "source.demo-elapor": ("Data demo", "Demo data"),
    "source.import_file": ("Impor berkas", "File import"),
    "ago.now": ("baru saja", "just now"),
    "ago.minutes": ("{n} menit lalu", "{n} minutes ago"),
    "ago.hours": ("{n} jam lalu", "{n} hours ago"),
    "ago.days": ("{n} hari lalu", "{n} days ago"),
    "kes.title": ("Kesehatan Data", "Data Health"),
    "kes.lead": (
        "Apakah aduan mengalir? Sinkronisasi per sumber, riwayat jalan, kegagalan, rekaman yang "
        "dikarantina, dan impor berkas.",
        "Are complaints flowing? Sync per source, run history, failures, quarantined records, "
        "and file imports.",
    ),
    "kes.refreshed": (
        "Diperbarui {when} · diperbarui otomatis tiap menit",
        "Refreshed {when} · refreshes every minute",
    ),
    "kes.interval": ("Interval sinkronisasi: {n} menit", "Sync interval: {n} minutes"),
    "kes.state.ok": ("Lancar", "Flowing"),
    "kes.state.stale": ("Terlambat", "Late"),
    "kes.state.never_ok": ("Belum pernah berhasil", "Never succeeded"),
    "kes.state.never_run": ("Belum pernah dijalankan", "Never run"),
    "kes.state.running": ("Sedang berjalan", "Running"),
    "kes.last_success": ("Sinkron terakhir berhasil", "Last successful sync"),
    "kes.never": ("belum pernah", "never"),
    "kes.never_run.hint": (
        "Belum ada catatan jalan. Apakah proses penjadwal (python -m jobs) berjalan?",
        "No run recorded yet. Is the scheduler process (python -m jobs) running?",
    ),
    "kes.watermark": ("Data terbaru sampai", "Newest data up to"),
    "kes.last_run_failed": ("Jalan terakhir gagal: {error}", "Last run failed: {error}"),
    "kes.failures_24h": ("Gagal dalam 24 jam: {n}", "Failures in 24 hours: {n}"),
    "kes.unknown": ("Nilai tidak dikenal", "Unknown values"),
    "kes.unknown.note": (
        'Aduan yang kategori, OPD, kecamatan atau kelurahannya tercatat "Tidak diketahui": dihitung, '
        "tidak dibuang.",
        'Complaints whose category, agency, kecamatan or kelurahan is recorded as "Unknown": counted, '
        "never dropped.",
    ),
    "kes.unknown.none": ("Belum ada aduan.", "No complaints yet."),
    "kes.unrecognised": (
        "Nilai yang belum dikenali dalam 24 jam (tambahkan ke tabel pemetaan):",
        "Values not recognised in the last 24 hours (add them to the mapping tables):",
    ),
    "kes.runs": ("Riwayat jalan", "Run history"),
    "kes.failures": ("Kegagalan terakhir", "Recent failures"),
    "kes.failures.none": ("Tidak ada kegagalan tercatat.", "No failures recorded."),
    "kes.rejected": ("Rekaman dikarantina", "Quarantined records"),
    "kes.rejected.count": ("{n} rekaman", "{n} records"),
    "kes.rejected.search": ("Cari alasan atau ID…", "Search reason or ID…"),
    "kes.rejected.download": ("Unduh CSV", "Download CSV"),
    "kes.rejected.note": (
        "Identitas pelapor tidak pernah ditampilkan atau diunduh.",
        "Reporter identity is never shown or downloaded.",
    ),
    "kes.upload": ("Impor berkas ekspor e-Lapor", "Import an e-Lapor export file"),
    "kes.upload.drop": (
        "Seret berkas CSV atau XLSX ke sini, atau klik untuk memilih (maks. {mb} MB)",
        "Drag a CSV or XLSX file here, or click to choose one (max. {mb} MB)",
    ),
    "kes.upload.bad_type": (
        "Berkas {name} bukan CSV atau XLSX.",
        "File {name} is not a CSV or XLSX file.",
    ),
    "kes.upload.bad_data": ("Berkas {name} tidak bisa dibaca.", "File {name} could not be read."),
    "kes.upload.running": (
        "Mengimpor {name}… {rows} baris diproses ({s} dtk)",
        "Importing {name}… {rows} rows processed ({s} s)",
    ),
    "kes.upload.rows": ("Baris", "Rows"),
    "kes.upload.duplicates": ("Nomor tiket berulang", "Repeated ticket numbers"),
    "kes.upload.unknown": (
        'Tidak dikenal (disimpan sebagai "Tidak diketahui"): {items}',
        'Not recognised (stored as "Unknown"): {items}',
    ),
    "kes.upload.failed": ("Impor {name} gagal: {error}", "Import of {name} failed: {error}"),
    "kes.upload.lost": (
        "Proses impor berhenti sebelum selesai; unggah ulang berkasnya (impor ulang aman).",
        "The import process stopped before finishing; upload the file again (re-importing is safe).",
    ),
    "kes.upload.done": ("Impor {name} selesai", "Import of {name} finished"),
    "kes.upload.issues": ("Baris yang ditolak", "Rejected rows"),
    "kes.upload.no_issues": ("Semua baris valid.", "Every row is valid."),
    "kes.upload.more": (
        "Menampilkan {shown} dari {n} baris bermasalah; semuanya ada di karantina.",
        "Showing {shown} of {n} problem rows; all of them are in quarantine.",
    ),
    "col.job": ("Tugas", "Job"),
    "col.started": ("Mulai (WIB)", "Started (WIB)"),
    "col.duration": ("Durasi (dtk)", "Duration (s)"),
    "col.run_status": ("Hasil", "Outcome"),
    "col.fetched": ("Diambil", "Fetched"),
    "col.inserted": ("Baru", "Inserted"),
    "col.updated": ("Diperbarui", "Updated"),
    "col.unchanged": ("Tetap", "Unchanged"),
    "col.rejected": ("Ditolak", "Rejected"),
    "col.error": ("Galat", "Error"),
    "col.source": ("Sumber", "Source"),
    "col.received": ("Diterima (WIB)", "Received (WIB)"),
    "col.external_id": ("ID sumber", "Source ID"),
    "col.field": ("Kolom", "Field"),
    "col.reason": ("Alasan", "Reason"),
    "col.payload": ("Isi (tanpa identitas)", "Content (identity removed)"),
    "col.row": ("Baris", "Row"),
    "col.total": ("Aduan", "Complaints"),
    "col.unknown_category": ("Kategori", "Category"),
    "col.unknown_agency": ("OPD", "Agency"),
    "col.unknown_kecamatan": ("Kecamatan", "Kecamatan"),
    "col.unknown_kelurahan": ("Kelurahan", "Kelurahan"),
    "run.running": ("berjalan", "running"),
    "run.ok": ("berhasil", "ok"),
    "run.failed": ("gagal", "failed"),
    # login
    "auth.title": ("Masuk", "Log in"),
    "auth.username": ("Nama pengguna", "Username"),
    "auth.password": ("Kata sandi", "Password"),
    "auth.submit": ("Masuk", "Log in"),
    "auth.logout": ("Keluar", "Log out"),
    "auth.public_link": ("Lihat halaman Transparansi untuk publik", "See the public Transparency page"),
    "auth.wrong": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "auth.expired": ("Formulir kedaluwarsa; silakan coba lagi.", "The form expired; please try again."),
    "auth.locked": (
        "Terlalu banyak percobaan gagal. Coba lagi dalam {minutes} menit.",
        "Too many failed attempts. Try again in {minutes} minutes.",
    ),
    "auth.needed": ("Silakan masuk untuk melihat halaman ini.", "Please log in to see this page."),
    "auth.forbidden": ("Peran Anda tidak dapat melihat halaman ini.", "Your role cannot see this page."),
}

# Each area keeps its words in its own module so that pages added in parallel do not collide.
for _area in (_cameras_text, _reports_text, _public_text, _admin_text):
    TEXT.update(_area)


def current_lang() -> str:
    """The visitor's language from the "lang" cookie, else the DEFAULT_LANG setting."""
    try:
        from flask import has_request_context, request

        if has_request_context():
            lang = request.cookies.get("lang")
            if lang in LANGS:
                return lang
    except ImportError:  # pragma: no cover - flask always comes with dash
        pass
    return get_settings().default_lang


def t(key: str, lang: str, **params: object) -> str:
    """The text for `key` in `lang`, with {params} filled; the key itself when unknown."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text


# Number formatting: Python's own, with Indonesian separators swapped in. Babel's format_decimal
# (the reference: tests/unit/test_i18n_numbers.py compares the two) cost ~70 us a number, and a
# Transparansi answer formats ~340 of them (25 ms of CPU a request).
_SWAP = str.maketrans(",.", ".,")


def _localised(text: str, lang: str) -> str:
    return text.translate(_SWAP) if lang == "id" else text


def fmt_int(n: float | None, lang: str) -> str:
    if n is None:
        return "–"
    if not math.isfinite(n):
        return format_decimal(n, locale=_LOCALE[lang])
    return _localised(f"{round(n):,}", lang)


def fmt_num(x: float | None, lang: str, digits: int = 1) -> str:
    if x is None:
        return "–"
    value = round(x, digits)
    if not math.isfinite(value):
        return format_decimal(value, format=f"#,##0.{'0' * digits}", locale=_LOCALE[lang])
    return _localised(f"{value:,.{digits}f}", lang)


def fmt_pct(x: float | None, lang: str, digits: int = 1) -> str:
    return "–" if x is None else f"{fmt_num(x, lang, digits)}%"


def fmt_hours(h: float | None, lang: str) -> str:
    """Hours as "n jam" below two days, else "n hari" with one decimal."""
    if h is None:
        return "–"
    if h < 48:
        return t("unit.hours", lang, n=fmt_num(h, lang))
    return t("unit.days", lang, n=fmt_num(h / 24.0, lang))


def fmt_date(d: date, lang: str, fmt: str = "d MMM yyyy") -> str:
    return format_date(d, fmt, locale=_LOCALE[lang])


def fmt_datetime_wib(moment: datetime | None, lang: str) -> str:
    """An aware datetime shown in WIB, e.g. "29 Nov 2026 08.51 WIB"."""
    if moment is None:
        return "–"
    local = moment.astimezone(WIB)
    return f"{format_datetime(local, 'd MMM yyyy HH.mm', locale=_LOCALE[lang])} WIB"


def plotly_separators(lang: str) -> str:
    """Plotly's decimal-then-thousands separators for the language."""
    return ",." if lang == "id" else ".,"
