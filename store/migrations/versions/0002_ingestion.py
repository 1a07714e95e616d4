"""ingestion: sync watermarks, category/agency mapping tables, idempotent events and quarantine

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 03:00:00

The alias rows are a frozen copy of the seeds at the time of writing (store.vocab names and
codes, data_sources.synonyms variants): a migration must not change when the code does. Staff
edit the tables from then on. Duplicate status events and duplicate quarantine rows that older
code may have written are removed before the unique indexes are created.
"""

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CATEGORY_ALIASES = (
    ("Jalan Rusak", "jalan_rusak"),
    ("Damaged Roads", "jalan_rusak"),
    ("Jalan Berlubang", "jalan_rusak"),
    ("Jalan Rusak/Berlubang", "jalan_rusak"),
    ("Kerusakan Jalan", "jalan_rusak"),
    ("Infrastruktur Jalan", "jalan_rusak"),
    ("Jalan", "jalan_rusak"),
    ("Pothole", "jalan_rusak"),
    ("Potholes", "jalan_rusak"),
    ("Road Damage", "jalan_rusak"),
    ("Jalan Rusak Parah", "jalan_rusak"),
    ("Banjir dan Drainase", "banjir_drainase"),
    ("Flooding and Drainage", "banjir_drainase"),
    ("banjir_drainase", "banjir_drainase"),
    ("Banjir", "banjir_drainase"),
    ("Drainase", "banjir_drainase"),
    ("Genangan", "banjir_drainase"),
    ("Genangan Air", "banjir_drainase"),
    ("Saluran Air", "banjir_drainase"),
    ("Gorong-gorong", "banjir_drainase"),
    ("Flooding", "banjir_drainase"),
    ("Drainage", "banjir_drainase"),
    ("Flood", "banjir_drainase"),
    ("Saluran Tersumbat", "banjir_drainase"),
    ("Sampah dan Kebersihan", "sampah"),
    ("Waste and Cleanliness", "sampah"),
    ("sampah", "sampah"),
    ("Kebersihan", "sampah"),
    ("Persampahan", "sampah"),
    ("Tumpukan Sampah", "sampah"),
    ("Waste", "sampah"),
    ("Garbage", "sampah"),
    ("Trash", "sampah"),
    ("Sampah Liar", "sampah"),
    ("Penerangan Jalan Umum", "pju"),
    ("Street Lighting", "pju"),
    ("pju", "pju"),
    ("Lampu Jalan", "pju"),
    ("Penerangan Jalan", "pju"),
    ("Lampu Jalan Mati", "pju"),
    ("Street Light", "pju"),
    ("LPJU", "pju"),
    ("Lalu Lintas dan Parkir", "lalu_lintas"),
    ("Traffic and Parking", "lalu_lintas"),
    ("lalu_lintas", "lalu_lintas"),
    ("Parkir", "lalu_lintas"),
    ("Parkir Liar", "lalu_lintas"),
    ("Kemacetan", "lalu_lintas"),
    ("Macet", "lalu_lintas"),
    ("Traffic", "lalu_lintas"),
    ("Parking", "lalu_lintas"),
    ("Lalin", "lalu_lintas"),
    ("Juru Parkir", "lalu_lintas"),
    ("Rambu Lalu Lintas", "lalu_lintas"),
    ("Lampu Lalu Lintas", "lalu_lintas"),
    ("Air Bersih", "air_bersih"),
    ("Clean Water", "air_bersih"),
    ("Air PDAM", "air_bersih"),
    ("Air Mati", "air_bersih"),
    ("PDAM", "air_bersih"),
    ("Air Keruh", "air_bersih"),
    ("Water Supply", "air_bersih"),
    ("Air Minum", "air_bersih"),
    ("Layanan Kesehatan", "kesehatan"),
    ("Health Services", "kesehatan"),
    ("kesehatan", "kesehatan"),
    ("Puskesmas", "kesehatan"),
    ("Rumah Sakit", "kesehatan"),
    ("BPJS Kesehatan", "kesehatan"),
    ("Health", "kesehatan"),
    ("Pendidikan", "pendidikan"),
    ("Education", "pendidikan"),
    ("Sekolah", "pendidikan"),
    ("PPDB", "pendidikan"),
    ("Pendidikan dan Kebudayaan", "pendidikan"),
    ("Zonasi Sekolah", "pendidikan"),
    ("Administrasi Kependudukan", "adminduk"),
    ("Civil Registration", "adminduk"),
    ("adminduk", "adminduk"),
    ("Kependudukan", "adminduk"),
    ("KTP", "adminduk"),
    ("e-KTP", "adminduk"),
    ("KTP Elektronik", "adminduk"),
    ("Kartu Keluarga", "adminduk"),
    ("KK", "adminduk"),
    ("Akta Kelahiran", "adminduk"),
    ("Dukcapil", "adminduk"),
    ("Bantuan Sosial", "bansos"),
    ("Social Assistance", "bansos"),
    ("bansos", "bansos"),
    ("Sosial", "bansos"),
    ("PKH", "bansos"),
    ("BLT", "bansos"),
    ("Bantuan Langsung Tunai", "bansos"),
    ("Kesejahteraan Sosial", "bansos"),
    ("Ketertiban Umum", "ketertiban"),
    ("Public Order", "ketertiban"),
    ("ketertiban", "ketertiban"),
    ("Trantibum", "ketertiban"),
    ("PKL", "ketertiban"),
    ("Pedagang Kaki Lima", "ketertiban"),
    ("Ketentraman dan Ketertiban", "ketertiban"),
    ("Ketentraman, Ketertiban Umum, dan Perlindungan Masyarakat", "ketertiban"),
    ("Gangguan Ketertiban", "ketertiban"),
    ("Kebakaran dan Bencana", "bencana"),
    ("Fire and Disasters", "bencana"),
    ("bencana", "bencana"),
    ("Kebakaran", "bencana"),
    ("Pohon Tumbang", "bencana"),
    ("Fire", "bencana"),
    ("Disaster", "bencana"),
    ("Kebencanaan", "bencana"),
    ("Perizinan", "perizinan"),
    ("Permits", "perizinan"),
    ("Izin", "perizinan"),
    ("IMB", "perizinan"),
    ("PBG", "perizinan"),
    ("Permit", "perizinan"),
    ("Izin Usaha", "perizinan"),
    ("Perizinan dan Investasi", "perizinan"),
    ("Pajak Daerah", "pajak"),
    ("Local Taxes", "pajak"),
    ("pajak", "pajak"),
    ("PBB", "pajak"),
    ("Retribusi", "pajak"),
    ("Taxes", "pajak"),
    ("PBB-P2", "pajak"),
    ("Pajak Bumi dan Bangunan", "pajak"),
    ("Pasar", "pasar"),
    ("Markets", "pasar"),
    ("Pasar Tradisional", "pasar"),
    ("Market", "pasar"),
    ("Pengelolaan Pasar", "pasar"),
    ("Layanan Publik Lainnya", "layanan_publik"),
    ("Other Public Services", "layanan_publik"),
    ("layanan_publik", "layanan_publik"),
    ("Pelayanan Publik", "layanan_publik"),
    ("Lainnya", "layanan_publik"),
    ("Lain-lain", "layanan_publik"),
    ("Other", "layanan_publik"),
    ("Others", "layanan_publik"),
    ("Umum", "layanan_publik"),
    ("Pelayanan Umum", "layanan_publik"),
    ("Tidak diketahui", "tidak_diketahui"),
    ("Unknown", "tidak_diketahui"),
    ("Tanpa Kategori", "tidak_diketahui"),
    ("Belum Dikategorikan", "tidak_diketahui"),
)
AGENCY_ALIASES = (
    ("Dinas PUPR", "pupr"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "pupr"),
    ("pupr", "pupr"),
    ("Dinas PU", "pupr"),
    ("PU", "pupr"),
    ("DPU", "pupr"),
    ("DPUPR", "pupr"),
    ("Dinas Pekerjaan Umum", "pupr"),
    ("Bina Marga", "pupr"),
    ("Dinas PU Bina Marga", "pupr"),
    ("Dinas PU Bina Marga dan Pengairan", "pupr"),
    ("PU Bina Marga dan Pengairan", "pupr"),
    ("Dinas Perkim", "perkim"),
    ("Dinas Perumahan Rakyat dan Kawasan Permukiman", "perkim"),
    ("perkim", "perkim"),
    ("Disperkim", "perkim"),
    ("Dinas Perumahan", "perkim"),
    ("Perumahan Rakyat dan Kawasan Permukiman", "perkim"),
    ("Dinas Perumahan dan Permukiman", "perkim"),
    ("DPRKP", "perkim"),
    ("DLHK", "dlhk"),
    ("Dinas Lingkungan Hidup dan Kebersihan", "dlhk"),
    ("DLH", "dlhk"),
    ("Dinas Lingkungan Hidup", "dlhk"),
    ("Dinas LH", "dlhk"),
    ("Dinas Kebersihan", "dlhk"),
    ("Dishub", "dishub"),
    ("Dinas Perhubungan", "dishub"),
    ("Perhubungan", "dishub"),
    ("Dinkes", "dinkes"),
    ("Dinas Kesehatan", "dinkes"),
    ("Kesehatan", "dinkes"),
    ("Disdik", "disdik"),
    ("Dinas Pendidikan", "disdik"),
    ("Diknas", "disdik"),
    ("Pendidikan", "disdik"),
    ("Disdukcapil", "disdukcapil"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "disdukcapil"),
    ("Dukcapil", "disdukcapil"),
    ("Dinas Dukcapil", "disdukcapil"),
    ("Capil", "disdukcapil"),
    ("Dinsos", "dinsos"),
    ("Dinas Sosial", "dinsos"),
    ("Sosial", "dinsos"),
    ("Satpol PP", "satpolpp"),
    ("Satuan Polisi Pamong Praja", "satpolpp"),
    ("Satpol", "satpolpp"),
    ("Pol PP", "satpolpp"),
    ("Polisi Pamong Praja", "satpolpp"),
    ("BPBD", "bpbd"),
    ("Badan Penanggulangan Bencana Daerah", "bpbd"),
    ("Badan Penanggulangan Bencana", "bpbd"),
    ("Damkar", "damkar"),
    ("Dinas Pemadam Kebakaran dan Penyelamatan", "damkar"),
    ("Pemadam Kebakaran", "damkar"),
    ("Dinas Damkar", "damkar"),
    ("Dinas Pemadam Kebakaran", "damkar"),
    ("DPKPB", "damkar"),
    ("Tirta Musi", "tirtamusi"),
    ("Perumda Air Minum Tirta Musi", "tirtamusi"),
    ("PDAM", "tirtamusi"),
    ("PDAM Tirta Musi", "tirtamusi"),
    ("Perumda Tirta Musi", "tirtamusi"),
    ("Diskominfo", "diskominfo"),
    ("Dinas Komunikasi dan Informatika", "diskominfo"),
    ("Kominfo", "diskominfo"),
    ("Dinas Kominfo", "diskominfo"),
    ("BPPD", "bppd"),
    ("Badan Pengelola Pajak Daerah", "bppd"),
    ("Bapenda", "bppd"),
    ("Badan Pendapatan Daerah", "bppd"),
    ("Dispenda", "bppd"),
    ("DPMPTSP", "dpmptsp"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "dpmptsp"),
    ("PTSP", "dpmptsp"),
    ("Dinas Penanaman Modal", "dpmptsp"),
    ("BPPTSP", "dpmptsp"),
    ("Pasar Palembang Jaya", "pasarjaya"),
    ("Perumda Pasar Palembang Jaya", "pasarjaya"),
    ("PD Pasar", "pasarjaya"),
    ("PD Pasar Palembang Jaya", "pasarjaya"),
    ("Perumda Pasar", "pasarjaya"),
    ("Tidak diketahui", "tidak_diketahui"),
    ("Unknown", "tidak_diketahui"),
    ("Belum Didisposisikan", "tidak_diketahui"),
    ("Belum Ditentukan", "tidak_diketahui"),
)


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("watermark", store.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )
    category_alias = op.create_table(
        "category_alias",
        sa.Column("alias", sa.String(length=160), nullable=False),
        sa.Column("category_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("alias"),
    )
    with op.batch_alter_table("category_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_alias_category_code"), ["category_code"], unique=False)
    agency_alias = op.create_table(
        "agency_alias",
        sa.Column("alias", sa.String(length=160), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("alias"),
    )
    with op.batch_alter_table("agency_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_alias_agency_code"), ["agency_code"], unique=False)
    op.bulk_insert(category_alias, [{"alias": a, "category_code": c} for a, c in CATEGORY_ALIASES])
    op.bulk_insert(agency_alias, [{"alias": a, "agency_code": c} for a, c in AGENCY_ALIASES])

    op.execute(
        "DELETE FROM complaint_event WHERE id NOT IN "
        "(SELECT MIN(id) FROM complaint_event GROUP BY complaint_id, to_status, at)"
    )
    with op.batch_alter_table("complaint_event", schema=None) as batch_op:
        batch_op.create_index("uq_complaint_event_change", ["complaint_id", "to_status", "at"], unique=True)

    with op.batch_alter_table("rejected_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.String(length=96), nullable=True))
    # Existing rows get their external id as key; of several rows for one record the newest stays.
    op.execute(
        "DELETE FROM rejected_record WHERE external_id IS NOT NULL AND id NOT IN "
        "(SELECT MAX(id) FROM rejected_record WHERE external_id IS NOT NULL GROUP BY source, external_id)"
    )
    op.execute("UPDATE rejected_record SET record_key = external_id WHERE external_id IS NOT NULL")
    with op.batch_alter_table("rejected_record", schema=None) as batch_op:
        batch_op.create_index("uq_rejected_record_key", ["source", "record_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("rejected_record", schema=None) as batch_op:
        batch_op.drop_index("uq_rejected_record_key")
        batch_op.drop_column("record_key")
    with op.batch_alter_table("complaint_event", schema=None) as batch_op:
        batch_op.drop_index("uq_complaint_event_change")
    with op.batch_alter_table("agency_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_alias_agency_code"))
    op.drop_table("agency_alias")
    with op.batch_alter_table("category_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_alias_category_code"))
    op.drop_table("category_alias")
    op.drop_table("sync_state")
