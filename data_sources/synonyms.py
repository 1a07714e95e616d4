"""Synonyms of the coded fields and the seed rows of the category/agency mapping tables.

Pure data, kept apart from the code that uses it so that adding a word is a one-line change.
"""

from __future__ import annotations

STATUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "baru": ("baru", "new", "open", "opened", "menunggu", "pending", "diterima", "masuk", "received",
             "submitted", "belum diproses", "belum diverifikasi", "belum terverifikasi",
             "menunggu verifikasi", "draft"),
    "diverifikasi": ("diverifikasi", "terverifikasi", "verifikasi", "sudah diverifikasi", "verified",
                     "validated", "divalidasi"),
    "diteruskan": ("diteruskan", "didisposisikan", "disposisi", "terdisposisi", "forwarded", "assigned",
                   "diteruskan ke instansi", "dialihkan", "dilimpahkan"),
    "ditindaklanjuti": ("ditindaklanjuti", "tindak lanjut", "dalam proses", "diproses", "proses",
                        "sedang diproses", "dalam penanganan", "ditangani", "ditanggapi", "in progress",
                        "on progress", "in_progress", "processing", "responded", "acknowledged"),
    "selesai": ("selesai", "resolved", "done", "completed", "complete", "tuntas", "sudah selesai",
                "fixed", "terselesaikan"),
    "ditutup": ("ditutup", "closed", "tutup", "arsip", "diarsipkan", "archived"),
}  # fmt: skip
OUTCOME_SYNONYMS: dict[str, tuple[str, ...]] = {
    "selesai": ("selesai", "resolved", "fixed", "tuntas", "terselesaikan", "done", "berhasil"),
    "bukan_wewenang": ("bukan wewenang", "bukan kewenangan", "bukan_wewenang", "not our jurisdiction",
                       "out of scope", "wrong agency", "bukan tupoksi"),
    "dikembalikan": ("dikembalikan", "returned", "dikembalikan ke pelapor", "kurang lengkap"),
    "ditolak": ("ditolak", "rejected", "declined", "tidak valid", "invalid", "spam", "duplikat",
                "duplicate", "tidak ditindaklanjuti"),
}  # fmt: skip
CHANNEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "web": ("web", "website", "situs", "portal", "www", "lapor.go.id", "lapor go id", "internet", "online",
            "browser", "email", "e-mail", "surel"),
    "sms1708": ("sms", "sms 1708", "sms1708", "1708", "sms ke 1708", "text", "text message"),
    "app": ("app", "apps", "aplikasi", "aplikasi mobile", "mobile", "mobile app", "android", "ios",
            "iphone", "play store", "app store", "aplikasi lapor"),
    "sosmed": ("sosmed", "media sosial", "social media", "socmed", "twitter", "x", "x.com", "instagram",
               "ig", "facebook", "fb", "tiktok", "youtube", "whatsapp", "wa", "telegram"),
}  # fmt: skip
REPORT_TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pengaduan": ("pengaduan", "aduan", "keluhan", "laporan", "complaint", "report"),
    "aspirasi": ("aspirasi", "saran", "usulan", "masukan", "aspiration", "suggestion", "proposal"),
    "permintaan_informasi": ("permintaan informasi", "permohonan informasi", "informasi", "info",
                             "pertanyaan", "information request", "request for information",
                             "information", "question", "permintaan_informasi"),
}  # fmt: skip
BOOL_TRUE = frozenset({"ya", "y", "yes", "true", "1", "benar", "iya", "v", "x", "✓", "✔", "anonim", "rahasia",
                       "anonymous", "confidential", "on"})  # fmt: skip
BOOL_FALSE = frozenset({"tidak", "no", "n", "false", "0", "bukan", "tdk", "off", "publik", "public", "umum"})


# Common ways e-Lapor exports, clerks and citizens name our categories and agencies. Migration
# 0002 seeds category_alias/agency_alias with a copy of these; staff edit the tables from then
# on. Codes, names and short names of the reference tables are matched without an alias row.
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "jalan_rusak": ("Jalan Berlubang", "Jalan Rusak/Berlubang", "Kerusakan Jalan", "Infrastruktur Jalan",
                    "Jalan", "Pothole", "Potholes", "Road Damage", "Jalan Rusak Parah"),
    "banjir_drainase": ("Banjir", "Drainase", "Genangan", "Genangan Air", "Saluran Air", "Gorong-gorong",
                        "Flooding", "Drainage", "Flood", "Saluran Tersumbat"),
    "sampah": ("Sampah", "Kebersihan", "Persampahan", "Tumpukan Sampah", "Waste", "Garbage", "Trash",
               "Sampah Liar"),
    "pju": ("Lampu Jalan", "Penerangan Jalan", "Lampu Jalan Mati", "Street Light", "Streetlight", "LPJU"),
    "lalu_lintas": ("Lalu Lintas", "Parkir", "Parkir Liar", "Kemacetan", "Macet", "Traffic", "Parking",
                    "Lalin", "Juru Parkir", "Rambu Lalu Lintas", "Lampu Lalu Lintas"),
    "air_bersih": ("Air PDAM", "Air Mati", "PDAM", "Air Keruh", "Water Supply", "Air Minum"),
    "kesehatan": ("Kesehatan", "Puskesmas", "Rumah Sakit", "BPJS Kesehatan", "Health"),
    "pendidikan": ("Sekolah", "PPDB", "Pendidikan dan Kebudayaan", "Zonasi Sekolah"),
    "adminduk": ("Administrasi Kependudukan", "Kependudukan", "KTP", "e-KTP", "KTP Elektronik",
                 "Kartu Keluarga", "KK", "Akta Kelahiran", "Dukcapil"),
    "bansos": ("Bansos", "Sosial", "PKH", "BLT", "Bantuan Langsung Tunai", "Kesejahteraan Sosial"),
    "ketertiban": ("Ketertiban", "Trantibum", "PKL", "Pedagang Kaki Lima", "Ketentraman dan Ketertiban",
                   "Ketentraman, Ketertiban Umum, dan Perlindungan Masyarakat", "Gangguan Ketertiban"),
    "bencana": ("Bencana", "Kebakaran", "Pohon Tumbang", "Fire", "Disaster", "Kebencanaan"),
    "perizinan": ("Izin", "IMB", "PBG", "Permit", "Izin Usaha", "Perizinan dan Investasi"),
    "pajak": ("Pajak", "PBB", "Retribusi", "Taxes", "PBB-P2", "Pajak Bumi dan Bangunan"),
    "pasar": ("Pasar Tradisional", "Market", "Pengelolaan Pasar"),
    "layanan_publik": ("Layanan Publik", "Pelayanan Publik", "Lainnya", "Lain-lain", "Other", "Others",
                       "Umum", "Pelayanan Umum"),
    "tidak_diketahui": ("Unknown", "Tidak Diketahui", "Tanpa Kategori", "Belum Dikategorikan"),
}  # fmt: skip
AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "pupr": ("PUPR", "Dinas PU", "PU", "DPU", "DPUPR", "Dinas Pekerjaan Umum", "Bina Marga",
             "Dinas PU Bina Marga", "Dinas PU Bina Marga dan Pengairan", "PU Bina Marga dan Pengairan"),
    "perkim": ("Perkim", "Disperkim", "Dinas Perumahan", "Perumahan Rakyat dan Kawasan Permukiman",
               "Dinas Perumahan dan Permukiman", "DPRKP"),
    "dlhk": ("DLHK", "DLH", "Dinas Lingkungan Hidup", "Dinas LH", "Dinas Kebersihan", "DLHK Kota Palembang",
             "Dinas Lingkungan Hidup dan Kebersihan Kota Palembang"),
    "dishub": ("Perhubungan", "Dinas Perhubungan Kota Palembang"),
    "dinkes": ("Dinas Kesehatan Kota Palembang", "Kesehatan"),
    "disdik": ("Diknas", "Dinas Pendidikan Kota Palembang", "Pendidikan"),
    "disdukcapil": ("Dukcapil", "Dinas Dukcapil", "Capil", "Disdukcapil Kota Palembang"),
    "dinsos": ("Sosial", "Dinas Sosial Kota Palembang"),
    "satpolpp": ("Satpol-PP", "Satpol", "Pol PP", "Polisi Pamong Praja", "Satpol PP Kota Palembang"),
    "bpbd": ("Badan Penanggulangan Bencana", "BPBD Kota Palembang"),
    "damkar": ("Pemadam Kebakaran", "Dinas Damkar", "Dinas Pemadam Kebakaran", "Damkar Kota Palembang",
               "DPKPB"),
    "tirtamusi": ("PDAM", "PDAM Tirta Musi", "Tirta Musi", "Perumda Tirta Musi", "PDAM Palembang",
                  "Perumda Air Minum Tirta Musi Palembang"),
    "diskominfo": ("Kominfo", "Dinas Kominfo", "Dinas Komunikasi dan Informatika",
                   "Diskominfo Kota Palembang"),
    "bppd": ("Bapenda", "Badan Pendapatan Daerah", "Dispenda", "BPPD Kota Palembang"),
    "dpmptsp": ("DPM-PTSP", "PTSP", "Dinas Penanaman Modal", "BPPTSP",
                "DPMPTSP Kota Palembang"),
    "pasarjaya": ("PD Pasar", "PD Pasar Palembang Jaya", "Perumda Pasar", "Pasar Jaya"),
    "tidak_diketahui": ("Unknown", "Tidak Diketahui", "Belum Didisposisikan", "Belum Ditentukan"),
}  # fmt: skip
