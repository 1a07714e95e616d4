"""Controlled vocabularies: codes stored in the database, with their default reference rows.

Codes are stable identifiers (lower-case, ASCII); labels shown to people live in
components/i18n.py (statuses, channels, ...) or in the reference tables (agencies, categories).
"""

from __future__ import annotations

from typing import NamedTuple

REPORT_TYPES = ("pengaduan", "aspirasi", "permintaan_informasi")
CHANNELS = ("web", "sms1708", "app", "sosmed")
# LAPOR! lifecycle, in order. "ditutup" is closed without (or after) a follow-up; whether the
# problem was fixed is the outcome, never the status: closed is not fixed.
STATUSES = ("baru", "diverifikasi", "diteruskan", "ditindaklanjuti", "selesai", "ditutup")
OPEN_STATUSES = ("baru", "diverifikasi", "diteruskan", "ditindaklanjuti")
OUTCOMES = ("selesai", "bukan_wewenang", "dikembalikan", "ditolak")
RESOLVED_OUTCOME = "selesai"

# SLA in working days (LAPOR!): admin verifies and forwards within 3, the agency sets out its
# follow-up within 5 after forwarding, a report closes 10 without reply after a follow-up.
SLA_FORWARD_WORKDAYS = 3
SLA_RESPONSE_WORKDAYS = 5
SLA_AUTOCLOSE_WORKDAYS = 10

# Backlog age bands in calendar days since the report came in: (label key, lower, upper).
AGE_BANDS = (("0-3", 0, 3), ("4-7", 4, 7), ("8-14", 8, 14), ("15-30", 15, 30), (">30", 31, None))

UNKNOWN_CODE = "tidak_diketahui"


class AgencyRef(NamedTuple):
    code: str
    name: str
    short_name: str


class CategoryRef(NamedTuple):
    code: str
    name_id: str
    name_en: str
    default_agency_code: str | None


AGENCIES: tuple[AgencyRef, ...] = (
    AgencyRef("pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    AgencyRef("perkim", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "Dinas Perkim"),
    AgencyRef("dlhk", "Dinas Lingkungan Hidup dan Kebersihan", "DLHK"),
    AgencyRef("dishub", "Dinas Perhubungan", "Dishub"),
    AgencyRef("dinkes", "Dinas Kesehatan", "Dinkes"),
    AgencyRef("disdik", "Dinas Pendidikan", "Disdik"),
    AgencyRef("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    AgencyRef("dinsos", "Dinas Sosial", "Dinsos"),
    AgencyRef("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP"),
    AgencyRef("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    AgencyRef("damkar", "Dinas Pemadam Kebakaran dan Penyelamatan", "Damkar"),
    AgencyRef("tirtamusi", "Perumda Air Minum Tirta Musi", "Tirta Musi"),
    AgencyRef("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo"),
    AgencyRef("bppd", "Badan Pengelola Pajak Daerah", "BPPD"),
    AgencyRef("dpmptsp", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    AgencyRef("pasarjaya", "Perumda Pasar Palembang Jaya", "Pasar Palembang Jaya"),
    AgencyRef(UNKNOWN_CODE, "Tidak diketahui", "Tidak diketahui"),
)

CATEGORIES: tuple[CategoryRef, ...] = (
    CategoryRef("jalan_rusak", "Jalan Rusak", "Damaged Roads", "pupr"),
    CategoryRef("banjir_drainase", "Banjir dan Drainase", "Flooding and Drainage", "pupr"),
    CategoryRef("sampah", "Sampah dan Kebersihan", "Waste and Cleanliness", "dlhk"),
    CategoryRef("pju", "Penerangan Jalan Umum", "Street Lighting", "perkim"),
    CategoryRef("lalu_lintas", "Lalu Lintas dan Parkir", "Traffic and Parking", "dishub"),
    CategoryRef("air_bersih", "Air Bersih", "Clean Water", "tirtamusi"),
    CategoryRef("kesehatan", "Layanan Kesehatan", "Health Services", "dinkes"),
    CategoryRef("pendidikan", "Pendidikan", "Education", "disdik"),
    CategoryRef("adminduk", "Administrasi Kependudukan", "Civil Registration", "disdukcapil"),
    CategoryRef("bansos", "Bantuan Sosial", "Social Assistance", "dinsos"),
    CategoryRef("ketertiban", "Ketertiban Umum", "Public Order", "satpolpp"),
    CategoryRef("bencana", "Kebakaran dan Bencana", "Fire and Disasters", "bpbd"),
    CategoryRef("perizinan", "Perizinan", "Permits", "dpmptsp"),
    CategoryRef("pajak", "Pajak Daerah", "Local Taxes", "bppd"),
    CategoryRef("pasar", "Pasar", "Markets", "pasarjaya"),
    CategoryRef("layanan_publik", "Layanan Publik Lainnya", "Other Public Services", "diskominfo"),
    CategoryRef(UNKNOWN_CODE, "Tidak diketahui", "Unknown", None),
)
