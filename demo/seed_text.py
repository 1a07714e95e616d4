"""Bahasa Indonesia titles and descriptions for demo complaints, some with personal data in them.

About one description in ten carries contact details or a name, written the ways people write
them (0812-3456-7890, 081234567890, +62 812 3456 7890, e-mail, a 16-digit NIK starting 1671,
"Saya Budi Santoso warga RT 05 ..."), so that scrubbing and privacy checks have real work.
Every number and address here is synthetic.
"""

# ruff: noqa: E501 - data tables (templates, coordinates) read better one record a line

from __future__ import annotations

import re

import numpy as np

# Street names by kecamatan: plausible for the area, not a surveyed gazetteer.
# Major roads named across the city (every one also appears in its kecamatan's list below).
CITY_STREETS = (
    "Jl. Jenderal Sudirman", "Jl. Kapten A. Rivai", "Jl. Demang Lebar Daun", "Jl. Veteran",
    "Jl. Merdeka", "Jl. Basuki Rahmat", "Jl. Angkatan 45", "Jl. R. Soekamto", "Jl. Mayor Ruslan",
    "Jl. Kolonel H. Burlian", "Jl. Ahmad Yani", "Jl. KH Wahid Hasyim",
)  # fmt: skip
STREETS: dict[str, tuple[str, ...]] = {
    "16.71.01": ("Jl. Syakyakirti", "Jl. Tangga Buntung", "Jl. Ki Gede Ing Suro", "Jl. Sultan M. Mansyur"),
    "16.71.02": ("Jl. Ahmad Yani", "Jl. KH Wahid Hasyim", "Jl. Jaksa Agung R. Suprapto", "Jl. KH Azhari"),
    "16.71.03": ("Jl. Ahmad Yani", "Jl. KH Azhari", "Jl. Aiptu Wahab", "Jl. Sentosa"),
    "16.71.04": ("Jl. Demang Lebar Daun", "Jl. Angkatan 45", "Jl. Kapten A. Rivai", "Jl. Srijaya Negara",
                 "Jl. Inspektur Marzuki", "Jl. Radial", "Jl. Lunjuk Jaya"),
    "16.71.05": ("Jl. Jenderal Sudirman", "Jl. Veteran", "Jl. Kapten A. Rivai", "Jl. Letkol Iskandar",
                 "Jl. Masjid Lama", "Jl. Sayangan"),
    "16.71.06": ("Jl. Mayor Ruslan", "Jl. Slamet Riady", "Jl. Dr. M. Isa", "Jl. Yos Sudarso", "Jl. Lawang Kidul"),
    "16.71.07": ("Jl. Kolonel H. Burlian", "Jl. Sultan Mahmud Badaruddin II", "Jl. Jenderal Sudirman",
                 "Jl. Kebun Bunga", "Jl. Sukawinatan", "Jl. Talang Betutu"),
    "16.71.08": ("Jl. Sako Kenten", "Jl. Letjen Harun Sohar", "Jl. Noerdin Pandji", "Jl. Lebak Murni"),
    "16.71.09": ("Jl. Basuki Rahmat", "Jl. R. Soekamto", "Jl. Sekip Jaya", "Jl. Kapten A. Rivai", "Jl. Pipa Reja"),
    "16.71.10": ("Jl. Residen Abdul Rozak", "Jl. Mayor Zen", "Jl. RE Martadinata", "Jl. Sabar Jaya"),
    "16.71.11": ("Jl. Merdeka", "Jl. Jenderal Sudirman", "Jl. Kolonel Atmo", "Jl. Talang Semut", "Jl. Diponegoro"),
    "16.71.12": ("Jl. Syakyakirti", "Jl. Pangeran Sido Ing Lautan", "Jl. Tanjung Rawo", "Jl. Pulokerto"),
    "16.71.13": ("Jl. Mayjen Yusuf Singadekane", "Jl. Ki Merogan", "Jl. Abikusno Cokrosuyoso", "Jl. Stasiun Kertapati"),
    "16.71.14": ("Jl. DI Panjaitan", "Jl. Kapten Robani Kadir", "Jl. Kapten Abdullah", "Jl. Tegal Binangun"),
    "16.71.15": ("Jl. Soekarno-Hatta", "Jl. Alang-Alang Lebar", "Jl. Talang Kelapa", "Jl. Srijaya Raya"),
    "16.71.16": ("Jl. Sematang Borang", "Jl. Noerdin Pandji", "Jl. Lebung Gajah", "Jl. Karya Mulya"),
    "16.71.17": ("Jl. Gubernur H. A. Bastari", "Jl. Pangeran Ratu", "Jl. Silaberanti", "Jl. Tuan Kentang"),
    "16.71.18": ("Jl. R. Soekamto", "Jl. Rajawali", "Jl. Kutobatu", "Jl. Mayor Salim Batubara", "Jl. Duku"),
}  # fmt: skip

# Per category: (title, body) pairs for pengaduan, then one each for aspirasi and
# permintaan_informasi. {jalan} is a street, {tempat} a kelurahan or kecamatan.
_P, _A, _I = "pengaduan", "aspirasi", "permintaan_informasi"
TEMPLATES: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "jalan_rusak": {
        _P: (("Jalan berlubang di {jalan}", "Jalan di {jalan} ({tempat}) berlubang cukup dalam dan sudah beberapa kali membuat pengendara motor jatuh, terutama malam hari."),
             ("Aspal rusak parah di {jalan}", "Aspal di {jalan} mengelupas dan bergelombang. Saat hujan lubangnya tergenang sehingga tidak terlihat oleh pengendara."),
             ("Jalan rusak dan bergelombang di {tempat}", "Ada lubang besar di tengah badan jalan {jalan} dekat simpang di {tempat}. Kendaraan harus menghindar ke lajur lawan.")),
        _A: (("Usulan pengaspalan ulang {jalan}", "Kami mengusulkan agar {jalan} di {tempat} diaspal ulang tahun ini karena tambalannya cepat rusak kembali."),),
        _I: (("Jadwal perbaikan {jalan}", "Mohon informasi kapan jadwal perbaikan jalan di {jalan}, {tempat}, dan apakah sudah masuk anggaran tahun ini."),),
    },
    "banjir_drainase": {
        _P: (("Banjir setinggi lutut di {jalan}", "Setiap hujan deras, {jalan} di {tempat} tergenang air setinggi lutut orang dewasa dan air masuk ke rumah warga."),
             ("Drainase tersumbat di {tempat}", "Saluran drainase di sepanjang {jalan} tersumbat sampah dan lumpur sehingga air meluap ke jalan."),
             ("Genangan air tidak surut di {jalan}", "Air pasang sungai ditambah hujan membuat permukiman di {tempat} terendam. Gorong-gorong di {jalan} perlu dikeruk.")),
        _A: (("Usulan normalisasi saluran di {tempat}", "Mohon dilakukan normalisasi anak sungai dan pembangunan kolam retensi di sekitar {tempat} agar banjir tidak terulang."),),
        _I: (("Jadwal pengerukan drainase {tempat}", "Mohon info apakah ada jadwal pengerukan saluran drainase di {jalan} sebelum musim hujan."),),
    },
    "sampah": {
        _P: (("Sampah menumpuk di {jalan}", "Sampah di TPS dekat {jalan} sudah menumpuk dan tidak diangkut, baunya menyengat sampai ke rumah warga."),
             ("TPS penuh dan tidak diangkut di {tempat}", "Truk sampah tidak datang ke {tempat} sehingga sampah meluber ke badan jalan {jalan}."),
             ("Pembuangan sampah liar di {jalan}", "Ada orang membuang sampah sembarangan di lahan kosong pinggir {jalan}, {tempat}. Mohon dipasang larangan dan ditertibkan.")),
        _A: (("Usulan penambahan bak sampah di {tempat}", "Kami mengusulkan penambahan tong sampah dan jadwal angkut yang lebih sering di {jalan}."),),
        _I: (("Jadwal angkut sampah di {tempat}", "Mohon informasi jadwal pengangkutan sampah di wilayah {tempat} dan cara membayar iuran kebersihan."),),
    },
    "pju": {
        _P: (("Lampu jalan mati di {jalan}", "Lampu penerangan jalan di {jalan} mati sehingga jalan gelap gulita pada malam hari dan rawan begal."),
             ("PJU padam di {tempat}", "Beberapa titik PJU di {tempat} padam bersamaan, warga khawatir terjadi kecelakaan dan kejahatan."),
             ("Tiang lampu jalan miring di {jalan}", "Tiang lampu jalan di {jalan} miring dan kabelnya menjuntai, berbahaya bagi pejalan kaki.")),
        _A: (("Usulan pemasangan PJU di {jalan}", "Mohon dipasang lampu penerangan jalan baru di ruas {jalan} yang masih gelap."),),
        _I: (("Prosedur permohonan PJU", "Mohon informasi prosedur pengajuan pemasangan lampu jalan untuk lingkungan RT di {tempat}."),),
    },
    "lalu_lintas": {
        _P: (("Kemacetan parah di {jalan}", "Setiap jam pulang kerja terjadi kemacetan panjang di {jalan} karena banyak kendaraan putar balik sembarangan."),
             ("Parkir liar di {jalan}", "Parkir liar di bahu {jalan} membuat jalan menyempit dan juru parkir memungut tarif di luar ketentuan."),
             ("Lampu lalu lintas mati di simpang {jalan}", "Lampu lalu lintas di simpang {jalan}, {tempat}, tidak berfungsi sehingga kendaraan saling serobot.")),
        _A: (("Usulan rekayasa lalu lintas di {jalan}", "Kami mengusulkan penempatan petugas Dishub pada jam sibuk dan rambu dilarang parkir di {jalan}."),),
        _I: (("Informasi pengalihan arus di {jalan}", "Mohon informasi apakah ada pengalihan arus lalu lintas di {jalan} terkait perbaikan jalan."),),
    },
    "air_bersih": {
        _P: (("Air PDAM tidak mengalir di {tempat}", "Air dari Tirta Musi tidak mengalir di rumah kami di {tempat}, padahal tagihan tetap dibayar."),
             ("Air keruh dari PDAM di {jalan}", "Air PDAM yang keluar di {jalan} keruh dan berbau, tidak bisa dipakai untuk memasak."),
             ("Pipa PDAM bocor di {jalan}", "Pipa air bersih di pinggir {jalan} bocor, air terbuang dan jalan menjadi licin.")),
        _A: (("Usulan perluasan jaringan air bersih {tempat}", "Mohon jaringan pipa Tirta Musi diperluas ke permukiman baru di {tempat} yang belum terlayani."),),
        _I: (("Informasi sambungan baru air bersih", "Mohon informasi biaya dan syarat pemasangan sambungan baru air bersih di {tempat}."),),
    },
    "kesehatan": {
        _P: (("Pelayanan puskesmas di {tempat} lambat", "Antrean di puskesmas {tempat} sangat panjang dan petugas pendaftaran baru datang pukul sembilan."),
             ("Obat kosong di puskesmas {tempat}", "Pasien BPJS di puskesmas {tempat} diminta membeli obat sendiri di apotek luar karena stok kosong."),
             ("Petugas puskesmas kurang ramah", "Petugas puskesmas di {tempat} kurang ramah kepada pasien lansia dan tidak memberi penjelasan.")),
        _A: (("Usulan layanan puskesmas sore hari", "Kami mengusulkan puskesmas di {tempat} membuka layanan sore agar pekerja bisa berobat."),),
        _I: (("Jadwal imunisasi di {tempat}", "Mohon informasi jadwal posyandu dan imunisasi anak di wilayah {tempat}."),),
    },
    "pendidikan": {
        _P: (("Pungutan di sekolah negeri {tempat}", "Orang tua murid di sebuah SD negeri di {tempat} diminta membayar uang pembangunan tanpa penjelasan."),
             ("Masalah zonasi PPDB", "Anak kami tidak diterima di SMP negeri terdekat padahal rumah kami di {tempat} masuk zonasi."),
             ("Gedung sekolah rusak di {tempat}", "Atap ruang kelas sebuah SD di {jalan} bocor dan plafonnya hampir runtuh.")),
        _A: (("Usulan penambahan ruang kelas", "Mohon ditambah ruang kelas di SD negeri di {tempat} karena murid belajar bergantian pagi dan siang."),),
        _I: (("Jadwal pendaftaran PPDB", "Mohon informasi jadwal dan syarat pendaftaran PPDB SD dan SMP negeri tahun ini."),),
    },
    "adminduk": {
        _P: (("KTP elektronik belum jadi", "KTP elektronik saya sudah direkam lebih dari sebulan di kantor kecamatan tetapi belum juga dicetak."),
             ("Blanko KTP-el kosong di kecamatan", "Petugas di kecamatan mengatakan blanko KTP-el kosong dan meminta kami datang lagi bulan depan."),
             ("Pengurusan akta kelahiran lama", "Pengurusan akta kelahiran anak kami sudah dua minggu belum selesai padahal berkas sudah lengkap.")),
        _A: (("Usulan layanan adminduk keliling di {tempat}", "Kami mengusulkan layanan Disdukcapil jemput bola ke {tempat} untuk lansia dan penyandang disabilitas."),),
        _I: (("Syarat pindah domisili", "Mohon informasi syarat dan lama proses surat pindah domisili ke Kota Palembang."),),
    },
    "bansos": {
        _P: (("Bantuan sosial tidak tepat sasaran di {tempat}", "Ada warga mampu di {tempat} yang menerima bansos, sedangkan tetangga kami yang lansia tidak pernah menerima."),
             ("Nama tidak terdaftar di DTKS", "Keluarga kami sudah mengajukan masuk DTKS melalui kelurahan {tempat} tetapi nama belum juga terdaftar."),
             ("BLT belum diterima", "Bantuan langsung tunai tahap ini belum kami terima padahal warga lain di {tempat} sudah.")),
        _A: (("Usulan pendataan ulang penerima bansos", "Mohon dilakukan pendataan ulang penerima bansos di {tempat} secara terbuka."),),
        _I: (("Cara cek penerima bansos", "Mohon informasi cara mengecek status penerima bantuan sosial untuk warga {tempat}."),),
    },
    "ketertiban": {
        _P: (("Pedagang kaki lima di trotoar {jalan}", "Trotoar di {jalan} dipenuhi pedagang kaki lima sehingga pejalan kaki harus turun ke badan jalan."),
             ("Kebisingan malam hari di {tempat}", "Ada tempat hiburan di {tempat} yang memutar musik keras sampai lewat tengah malam."),
             ("Bangunan liar di {jalan}", "Berdiri bangunan semi permanen di atas saluran air di {jalan}, {tempat}, yang mengganggu aliran air.")),
        _A: (("Usulan penataan PKL di {jalan}", "Kami mengusulkan relokasi PKL di {jalan} ke lokasi yang lebih tertata."),),
        _I: (("Aturan jam operasional hiburan malam", "Mohon informasi aturan jam operasional tempat hiburan di Kota Palembang."),),
    },
    "bencana": {
        _P: (("Pohon tumbang di {jalan}", "Sebuah pohon besar tumbang menutup sebagian {jalan} setelah hujan angin dan belum dievakuasi."),
             ("Kebakaran lahan dekat permukiman {tempat}", "Terjadi kebakaran lahan gambut dekat permukiman di {tempat}, asapnya mengganggu pernapasan warga."),
             ("Tanah longsor di {tempat}", "Tebing di belakang rumah warga di {tempat} longsor saat hujan deras dan mengancam rumah di bawahnya.")),
        _A: (("Usulan pemangkasan pohon di {jalan}", "Mohon pohon-pohon besar di sepanjang {jalan} dipangkas sebelum musim hujan."),),
        _I: (("Nomor darurat BPBD", "Mohon informasi nomor pengaduan darurat BPBD dan Damkar yang aktif 24 jam."),),
    },
    "perizinan": {
        _P: (("Izin usaha lama diproses", "Permohonan NIB dan izin usaha saya melalui OSS sudah lebih dari dua minggu belum ada kejelasan."),
             ("Pengurusan PBG berbelit", "Pengurusan persetujuan bangunan gedung di DPMPTSP berbelit dan syaratnya berubah-ubah."),
             ("Reklame tanpa izin di {jalan}", "Ada reklame besar di {jalan} yang dipasang tanpa izin dan menghalangi pandangan pengendara.")),
        _A: (("Usulan pemantauan izin daring", "Kami mengusulkan agar status permohonan izin bisa dipantau secara daring."),),
        _I: (("Syarat izin usaha mikro", "Mohon informasi syarat dan biaya pengurusan izin usaha mikro di Kota Palembang."),),
    },
    "pajak": {
        _P: (("Tagihan PBB tidak sesuai", "Tagihan PBB rumah kami di {tempat} naik hampir dua kali lipat tanpa pemberitahuan."),
             ("SPPT PBB belum diterima", "SPPT PBB tahun ini belum kami terima padahal jatuh tempo sudah dekat."),
             ("Pajak restoran tidak dipungut", "Beberapa rumah makan di {jalan} tidak memberikan struk pajak daerah kepada pembeli.")),
        _A: (("Usulan keringanan PBB bagi lansia", "Mohon ada keringanan PBB bagi pensiunan dan lansia di Kota Palembang."),),
        _I: (("Cara bayar PBB daring", "Mohon informasi cara membayar PBB secara daring dan batas waktu pembayarannya."),),
    },
    "pasar": {
        _P: (("Pasar becek dan kumuh di {tempat}", "Lorong pasar di {tempat} becek dan saluran airnya tersumbat sehingga pembeli enggan datang."),
             ("Retribusi pasar tidak resmi", "Pedagang di pasar dekat {jalan} dipungut retribusi tambahan tanpa karcis resmi."),
             ("Los pasar bocor", "Atap los pedagang di pasar {tempat} bocor, dagangan basah setiap hujan.")),
        _A: (("Usulan revitalisasi pasar di {tempat}", "Kami mengusulkan revitalisasi pasar tradisional di {tempat} agar lebih bersih dan tertata."),),
        _I: (("Tarif retribusi los pasar", "Mohon informasi tarif resmi retribusi harian los dan kios di pasar milik Pemkot."),),
    },
    "layanan_publik": {
        _P: (("Aplikasi layanan pemkot tidak bisa diakses", "Situs dan aplikasi layanan Pemkot Palembang sering tidak bisa diakses sejak kemarin."),
             ("Pelayanan kantor kelurahan {tempat}", "Petugas di kantor kelurahan {tempat} sering tidak ada di tempat pada jam kerja."),
             ("Wifi publik tidak berfungsi di {tempat}", "Titik wifi publik di taman {tempat} tidak berfungsi sejak beberapa minggu.")),
        _A: (("Usulan perpanjangan jam layanan kelurahan", "Mohon jam layanan kantor kelurahan diperpanjang hingga sore hari."),),
        _I: (("Informasi kanal pengaduan", "Mohon informasi kanal resmi pengaduan masyarakat Pemkot Palembang selain SP4N LAPOR!."),),
    },
    "tidak_diketahui": {
        _P: (("Mohon perhatian pemerintah", "Mohon perhatian pemerintah terhadap kondisi lingkungan kami di {tempat} yang semakin memprihatinkan."),
             ("Laporan warga {tempat}", "Saya ingin menyampaikan keluhan terkait pelayanan di wilayah {tempat}, mohon ditindaklanjuti."),
             ("Keluhan warga", "Banyak masalah di sekitar {jalan}, mohon ada petugas yang turun ke lapangan.")),
        _A: (("Saran untuk Pemkot Palembang", "Saran kami agar pemerintah lebih sering turun ke {tempat} mendengar keluhan warga."),),
        _I: (("Pertanyaan warga", "Mohon informasi ke mana warga {tempat} harus melapor untuk masalah lingkungan."),),
    },
}  # fmt: skip

OPENINGS = ("", "", "Selamat pagi. ", "Selamat siang Bapak/Ibu. ", "Assalamualaikum. ", "Mohon izin melapor. ",
            "Kepada Yth. Pemerintah Kota Palembang. ")  # fmt: skip
DURATIONS = ("", " Kondisi ini sudah berlangsung dua hari.", " Sudah hampir seminggu belum ada perbaikan.",
             " Sudah lebih dari sebulan seperti ini.", " Sudah pernah dilaporkan ke kelurahan tapi belum ada tindakan.",
             " Kejadiannya hampir setiap hari.")  # fmt: skip
CLOSINGS = ("", " Mohon segera ditindaklanjuti. Terima kasih.", " Mohon bantuannya.",
            " Terima kasih atas perhatiannya.", " Kami warga sangat berharap ada tindakan cepat.")  # fmt: skip

# ----------------------------------------------------------------------------- PII ----

FIRST_NAMES = ("Budi", "Siti", "Ahmad", "Rina", "Dedi", "Yuni", "Rizki", "Nurhayati", "Hendra", "Dewi", "Agus",
               "Fitri", "Joko", "Lestari", "Hasan", "Putri", "Ilham", "Sri", "Andi", "Wulan", "Rahmat", "Eka",
               "Febri", "Maya", "Yusuf", "Intan", "Taufik", "Ratna", "Fajar", "Novi")  # fmt: skip
LAST_NAMES = ("Santoso", "Saputra", "Hidayat", "Pratama", "Wijaya", "Kurniawan", "Rahman", "Sari", "Syahputra",
              "Hakim", "Nugroho", "Setiawan", "Purnomo", "Anggraini", "Maulana", "Putra", "Firmansyah",
              "Ramadhan", "Utami", "Marlina")  # fmt: skip
MAIL_DOMAINS = ("gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com", "outlook.com")
MOBILE_PREFIXES = ("0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0877", "0878", "0895")
PHONE_FORMS = ("dash", "plain", "intl")  # 0812-3456-7890 / 081234567890 / +62 812 3456 7890
PII_KINDS = ("name", "phone_dash", "phone_plain", "phone_intl", "email", "nik")

# How tests (and anyone) recognise each form in generated text.
PII_PATTERNS: dict[str, re.Pattern[str]] = {
    "name": re.compile(r"Saya [A-Z][a-z]+ [A-Z][a-z]+, warga RT \d{2} RW \d{2}"),
    "phone_dash": re.compile(r"\b08\d{2}-\d{4}-\d{4}\b"),
    "phone_plain": re.compile(r"\b08\d{10}\b"),
    "phone_intl": re.compile(r"\+62 8\d{2} \d{4} \d{4}\b"),
    "email": re.compile(r"\b[a-z0-9.]+@[a-z0-9.-]+\.[a-z]{2,}\b"),
    "nik": re.compile(r"\b1671\d{12}\b"),
}


def person_name(rng: np.random.Generator) -> str:
    """A common Indonesian two-part name."""
    return f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {LAST_NAMES[rng.integers(len(LAST_NAMES))]}"


def phone_number(rng: np.random.Generator, form: str = "plain") -> str:
    """A 12-digit Indonesian mobile number written in one of PHONE_FORMS."""
    prefix = MOBILE_PREFIXES[rng.integers(len(MOBILE_PREFIXES))]
    rest = f"{int(rng.integers(10**8)):08d}"
    if form == "dash":
        return f"{prefix}-{rest[:4]}-{rest[4:]}"
    if form == "intl":
        return f"+62 {prefix[1:]} {rest[:4]} {rest[4:]}"
    if form == "plain":
        return prefix + rest
    raise ValueError(f"unknown phone form {form!r}")


def email_address(rng: np.random.Generator, name: str | None = None) -> str:
    """A personal e-mail address built from a name."""
    first, last = (name or person_name(rng)).lower().split()[:2]
    return f"{first}.{last}{int(rng.integers(1, 100))}@{MAIL_DOMAINS[rng.integers(len(MAIL_DOMAINS))]}"


def nik(rng: np.random.Generator, kecamatan_code: str | None = None) -> str:
    """A NIK-shaped 16-digit number of Kota Palembang (1671 + kecamatan + birth date + serial)."""
    kec = kecamatan_code[-2:] if kecamatan_code else f"{int(rng.integers(1, 19)):02d}"
    day = int(rng.integers(1, 29)) + 40 * int(rng.integers(2))  # women: day + 40
    month, year = int(rng.integers(1, 13)), int(rng.integers(0, 100))
    return f"1671{kec}{day:02d}{month:02d}{year:02d}{int(rng.integers(1, 3000)):04d}"


def pii_snippet(
    rng: np.random.Generator, kind: str, place: str = "", kecamatan_code: str | None = None
) -> str:
    """A sentence carrying one kind of personal data (PII_KINDS), as reporters write it."""
    if kind == "name":
        rt, rw = int(rng.integers(1, 30)), int(rng.integers(1, 12))
        where = f" Kelurahan {place}" if place else ""
        return f"Saya {person_name(rng)}, warga RT {rt:02d} RW {rw:02d}{where}. "
    if kind.startswith("phone_"):
        return f" Bisa hubungi saya di {phone_number(rng, kind.removeprefix('phone_'))}."
    if kind == "email":
        return f" Info lebih lanjut bisa ke email {email_address(rng)}."
    if kind == "nik":
        return f" NIK saya {nik(rng, kecamatan_code)} untuk keperluan verifikasi."
    raise ValueError(f"unknown PII kind {kind!r}")


def with_pii(
    rng: np.random.Generator, text: str, kinds: tuple[str, ...], place: str, kecamatan_code: str
) -> str:
    """`text` with one snippet per kind: a name goes in front, contact details at the end."""
    for kind in kinds:
        snippet = pii_snippet(rng, kind, place, kecamatan_code)
        text = snippet + text if kind == "name" else text + snippet
    return text


def compose(
    category: str,
    report_type: str,
    street: str,
    place: str,
    picks: tuple[int, int, int, int],
) -> tuple[str, str]:
    """Title and description from the category's templates; `picks` index template and phrasing."""
    pairs = TEMPLATES[category][report_type]
    title, body = pairs[picks[0] % len(pairs)]
    values = {"jalan": street, "tempat": place}
    description = (
        OPENINGS[picks[1] % len(OPENINGS)]
        + body.format_map(values)
        + (DURATIONS[picks[2] % len(DURATIONS)] if report_type == _P else "")
        + CLOSINGS[picks[3] % len(CLOSINGS)]
    )
    return title.format_map(values), description
