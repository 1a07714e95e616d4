"""Words of the public pages, Bahasa Indonesia first; merged into components.i18n.TEXT."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "nav.transparansi": ("Transparansi", "Transparency"),
    "tr.tab_title": ("Transparansi Pengaduan · Lawang Jabo", "Complaint Transparency · Lawang Jabo"),
    "tr.title": ("Transparansi Pengaduan Kota Palembang", "Complaint Transparency, Kota Palembang"),
    "tr.lead": (
        "Bagaimana Pemerintah Kota Palembang menangani aduan warga dari LAPOR! (SP4N): jumlah aduan, "
        "berapa yang diselesaikan, dan apakah ditangani tepat waktu, per kecamatan, kategori dan OPD.",
        "How the City of Palembang handles citizens' complaints from LAPOR! (SP4N): how many came in, "
        "how many were resolved, and whether they were handled on time, per kecamatan, category and "
        "agency.",
    ),
    "tr.asof": ("Data per {when}", "Data as of {when}"),
    "tr.asof.none": ("Belum ada data aduan.", "No complaint data yet."),
    "tr.stale": ("Data belum diperbarui sejak {age}", "Data not updated for {age}"),
    "tr.stale.title": (
        "Pembaruan data dari LAPOR! terlambat; angka di halaman ini mungkin belum mencakup aduan terbaru.",
        "The update from LAPOR! is late; the figures on this page may miss the newest complaints.",
    ),
    "tr.period_text": ("Aduan masuk {start} s.d. {end}", "Complaints received {start} to {end}"),
    # filters
    "tr.f.period": ("Periode", "Period"),
    "tr.f.dates": ("Tanggal masuk", "Date received"),
    "tr.f.kecamatan": ("Kecamatan", "Kecamatan"),
    "tr.f.category": ("Kategori", "Category"),
    "tr.f.all": ("Semua", "All"),
    "tr.f.reset": ("Hapus saringan", "Clear filters"),
    "tr.preset.7": ("7 hari", "7 days"),
    "tr.preset.30": ("30 hari", "30 days"),
    "tr.preset.90": ("90 hari", "90 days"),
    "tr.preset.365": ("1 tahun", "1 year"),
    "tr.bad_filter": (
        "Saringan di alamat tidak dikenal dan diabaikan: {error}",
        "A filter in the address is not known and was ignored: {error}",
    ),
    # KPIs
    "tr.kpi.complaints": ("Aduan masuk", "Complaints received"),
    "tr.kpi.resolved_pct": ("Diselesaikan", "Resolved"),
    "tr.kpi.sla_pct": ("Ditangani tepat waktu (SLA)", "Handled on time (SLA)"),
    "tr.kpi.median_days": ("Median waktu selesai", "Median time to resolve"),
    "tr.kpi.open_beyond_sla": ("Masih terbuka, lewat batas waktu", "Still open, past deadline"),
    "tr.kpi.complaints.note": (
        "termasuk aduan rahasia (hanya dihitung)",
        "confidential ones counted, never shown",
    ),
    "tr.kpi.resolved_pct.note": (
        "masalahnya diatasi, bukan sekadar ditutup",
        "problem fixed, not just closed",
    ),
    "tr.kpi.sla_pct.note": (
        "diteruskan ≤3 hari kerja, ditindaklanjuti ≤5 hari kerja",
        "forwarded ≤3 working days, followed up ≤5 working days",
    ),
    "tr.kpi.median_days.note": ("dari aduan masuk sampai selesai", "from receipt to resolution"),
    "tr.kpi.open_beyond_sla.note": ("per {when}", "as of {when}"),
    "tr.days": ("{n} hari", "{n} days"),
    # sections
    "tr.trend": ("Tren mingguan", "Weekly trend"),
    "tr.trend.note": (
        "Per minggu aduan masuk; \u201cdiselesaikan\u201d menghitung aduan minggu itu yang sudah selesai, "
        "sehingga minggu terakhir wajar lebih rendah. Minggu dengan 1–2 aduan ditandai \u201c<3\u201d "
        "dan tidak digambar.",
        "By week received; \u201cresolved\u201d counts that week's complaints resolved so far, so the "
        "latest weeks are naturally lower. Weeks with 1–2 complaints are marked \u201c<3\u201d and "
        "not drawn.",
    ),
    "tr.per.kecamatan": ("Per kecamatan", "By kecamatan"),
    "tr.per.category": ("Per kategori", "By category"),
    "tr.per.agency": ("Per OPD", "By agency"),
    "tr.col.name.kecamatan": ("Kecamatan", "Kecamatan"),
    "tr.col.name.category": ("Kategori", "Category"),
    "tr.col.name.agency": ("OPD", "Agency"),
    "tr.col.complaints": ("Aduan", "Complaints"),
    "tr.col.resolved_pct": ("% selesai", "% resolved"),
    "tr.col.sla_pct": ("% tepat waktu", "% on time"),
    "tr.col.median_days": ("Median hari", "Median days"),
    "tr.col.open_beyond_sla": ("Lewat batas", "Past deadline"),
    "tr.series.complaints": ("Aduan masuk", "Complaints received"),
    "tr.series.resolved": ("Diselesaikan", "Resolved"),
    "tr.series.suppressed": ("1–2 aduan (<3)", "1–2 complaints (<3)"),
    "tr.empty": ("Tidak ada aduan untuk saringan ini.", "No complaints match these filters."),
    # cameras
    "tr.cameras": ("Kamera publik", "Public cameras"),
    "tr.cameras.lead": (
        "Gambar terbaru dari kamera CCTV publik kota. Klik penanda untuk melihat gambarnya.",
        "The latest pictures of the city's public CCTV cameras. Click a marker to see its picture.",
    ),
    "tr.cameras.summary": (
        "{n} kamera publik · {online} aktif",
        "{n} public cameras · {online} online",
    ),
    "tr.cameras.none": ("Belum ada kamera publik.", "No public cameras yet."),
    "tr.cameras.checked": ("Dicek {when}", "Checked {when}"),
    "tr.cameras.frame": ("Gambar {ago}", "Picture {ago}"),
    # open data and privacy
    "tr.open_data": ("Data terbuka", "Open data"),
    "tr.open_data.lead": (
        "Unduh angka di atas untuk periode dan saringan yang sama.",
        "Download the figures above for the same period and filters.",
    ),
    "tr.open_data.schema": ("Skema kolom (JSON)", "Column schema (JSON)"),
    "tr.open_data.licence": ("Lisensi: {licence}", "Licence: {licence}"),
    "tr.dim.kecamatan": ("Per kecamatan", "By kecamatan"),
    "tr.dim.kategori": ("Per kategori", "By category"),
    "tr.dim.opd": ("Per OPD", "By agency"),
    "tr.privacy": ("Privasi pelapor", "Reporters' privacy"),
    "tr.privacy.text": (
        "Halaman ini hanya memuat angka gabungan. Isi aduan, identitas pelapor, nomor tiket dan lokasi "
        "aduan tidak pernah ditampilkan. Aduan rahasia hanya dihitung. Jumlah 1 atau 2 ditampilkan "
        "sebagai \u201c<3\u201d, dan persentase atau waktu dari angka sekecil itu dikosongkan (\u2013), agar "
        "tidak ada pelapor yang bisa dikenali.",
        "This page holds aggregate figures only. Complaint text, reporters' identity, ticket numbers "
        "and complaint locations are never shown. Confidential complaints are only counted. Counts of "
        "1 or 2 are shown as \u201c<3\u201d, and percentages or times from such small counts are left "
        "blank (\u2013), so that no reporter can be recognised.",
    ),
    "tr.definitions": (
        "Diselesaikan berarti masalahnya diatasi (bukan sekadar ditutup). Tepat waktu (SLA LAPOR!): "
        "diteruskan ke OPD dalam 3 hari kerja dan ditindaklanjuti dalam 5 hari kerja.",
        "Resolved means the problem was fixed (not merely closed). On time (LAPOR! SLA): forwarded to "
        "the agency within 3 working days and followed up within 5 working days.",
    ),
}
