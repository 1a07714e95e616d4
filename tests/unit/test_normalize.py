"""Place names, codes, coordinates, categories, agencies and coded fields normalise as clerks write them."""

from __future__ import annotations

import pytest

from data_sources.normalize import (
    KeyIndex,
    NearestCentroid,
    Vocabulary,
    alias_key,
    is_blank,
    parse_bool,
    place_key,
    resolve_place,
)
from data_sources.synonyms import AGENCY_ALIASES, CATEGORY_ALIASES
from data_sources.validate import NormalizeContext
from store.reference_data import KELURAHAN


@pytest.fixture(scope="module")
def ctx() -> NormalizeContext:
    return NormalizeContext.from_reference(salt="test")


def place(ctx, kecamatan=None, kelurahan=None, lat=None, lon=None):
    return resolve_place({"kecamatan": kecamatan, "kelurahan": kelurahan}, lat, lon, ctx)


@pytest.mark.parametrize(
    "name",
    [
        "Ilir Timur I",
        "Kec. Ilir Timur 1",
        "IT I",
        "it 1",
        "Ilir Timur Satu",
        "ILIR TIMUR I",
        "Kecamatan Ilir-Timur I",
        "  ilir   timur   1  ",
        "Ilir Timur I, Kota Palembang",
    ],
)
def test_kecamatan_variants_of_ilir_timur_i(ctx, name):
    assert place(ctx, name)[0] == "16.71.05"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Bukitkecil", "16.71.11"),
        ("Bukit Kecil", "16.71.11"),
        ("Sematangborang", "16.71.16"),
        ("Sematang Borang", "16.71.16"),
        ("AAL", "16.71.15"),
        ("Alang-Alang Lebar", "16.71.15"),
        ("Alang2 Lebar", "16.71.15"),
        ("Ilir Barat II", "16.71.01"),
        ("IB 2", "16.71.01"),
        ("SU I", "16.71.02"),
        ("Seberang Ulu Dua", "16.71.03"),
        ("IT III", "16.71.18"),
        ("Sukarame", "16.71.07"),
        ("Jakabaring", "16.71.17"),
    ],
)
def test_kecamatan_names_and_aliases(ctx, name, code):
    assert place(ctx, name)[0] == code


@pytest.mark.parametrize("code", ["16.71.05", "167105", "1671050", "16 71 05", 1671050])
def test_kecamatan_from_its_code(ctx, code):
    assert place(ctx, code)[0] == "16.71.05"


def test_seven_digit_codes_of_later_kecamatan_are_not_guessed(ctx):
    # BPS numbers the kecamatan split off after 2007 differently from Kemendagri.
    assert place(ctx, "1671071")[0] is None


def test_a_kelurahan_code_in_the_kecamatan_column_gives_its_kecamatan(ctx):
    assert place(ctx, "16.71.05.1009")[0] == "16.71.05"


def test_one_typo_in_a_long_name_is_forgiven_but_not_in_a_short_one(ctx):
    assert place(ctx, "Kemunig")[0] == "16.71.09"
    assert place(ctx, "Sak")[0] is None  # "Sako" with a letter missing: too short to tell


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Dua-puluh Ilir Satu", "16.71.05.1009"),
        ("20 Ilir I", "16.71.05.1009"),
        ("20 Ilir D. I", "16.71.05.1009"),
        ("20 ILIR D.IV", "16.71.05.1008"),
        ("Dua Puluh Ilir Empat", "16.71.05.1008"),
        ("26 Ilir", "16.71.11.1005"),
        ("26 Ilir I", "16.71.04.1003"),
        ("3-4 Ulu", "16.71.02.1004"),
        ("Tiga Empat Ulu", "16.71.02.1004"),
        ("9/10 Ulu", "16.71.17.1002"),
        ("Sei Pangeran", "16.71.05.1010"),
        ("Kemang Manis", "16.71.01.1007"),
        ("Lima Belas Ilir", "16.71.05.1005"),
        ("15 Ilir", "16.71.05.1005"),
        ("Sebelas Ulu", "16.71.03.1001"),
        ("Demang Lebar Daun", "16.71.04.1005"),
        ("16.71.05.1009", "16.71.05.1009"),
        ("1671051009", "16.71.05.1009"),
    ],
)
def test_kelurahan_names_numbers_and_codes(ctx, name, code):
    kec, kel = place(ctx, None, name)
    assert kel == code
    assert kec == code[:8]  # the kecamatan follows from the kelurahan


def test_numbers_never_merge_across_a_space():
    assert place_key("2 6 Ilir") != place_key("26 Ilir")
    assert place_key("26 Ilir") != place_key("26 Ilir I")


def test_an_ambiguous_name_resolves_to_nothing():
    index = KeyIndex(place_key)
    index.add("Sukamaju", "A")
    index.add("Suka Maju", "B")
    index.add("Talang", "C")
    assert index.lookup("SUKAMAJU") is None
    assert index.lookup("Sukamajuu", fuzzy=True) is None  # a typo of an ambiguous name is no better
    assert index.lookup("talang") == "C"
    assert index.ambiguous() == ["sukamaju"]


def test_the_reference_kelurahan_names_are_all_unambiguous(ctx):
    assert ctx.kelurahan.ambiguous() == []
    assert ctx.kecamatan.ambiguous() == []
    for k in KELURAHAN:
        assert ctx.kelurahan.lookup(k.name) == k.code


def test_kelurahan_is_looked_up_inside_the_given_kecamatan_first(ctx):
    # "Sukarami" is a kecamatan and one of its kelurahan; "Kalidoni" likewise.
    assert place(ctx, "Sukarami", "Sukarami") == ("16.71.07", "16.71.07.1005")
    assert place(ctx, "Kalidoni", "Kalidoni") == ("16.71.10", "16.71.10.1002")


def test_a_kelurahan_outside_the_given_kecamatan_is_dropped_and_the_kecamatan_kept(ctx):
    assert place(ctx, "Sako", "Pahlawan") == ("16.71.08", None)
    assert ctx.notes["kelurahan.outside_kecamatan"] >= 1


def test_kecamatan_from_coordinates_near_a_kelurahan_centroid(ctx):
    assert place(ctx, None, None, -2.9535, 104.7964)[0] == "16.71.10"  # Kalidoni
    assert place(ctx, "Antah Berantah", None, -2.9608, 104.7461)[0] == "16.71.09"  # Pahlawan


def test_no_kecamatan_for_coordinates_far_from_palembang(ctx):
    assert place(ctx, None, None, -6.2, 106.8166)[0] is None  # Jakarta
    locate = NearestCentroid([(-2.95, 104.75, "X")], max_km=1.0)
    assert locate(-2.95, 104.75) == "X"
    assert locate(-2.99, 104.75) is None  # 4.4 km away: beyond the limit


def test_unknown_places_are_counted_with_their_values():
    ctx = NormalizeContext.from_reference(salt="t")
    assert place(ctx, "Kec. Antah Berantah", "Entah") == (None, None)
    assert ctx.unknown["kecamatan"] == 1 and ctx.unknown["kelurahan"] == 1
    assert ctx.unrecognised["kecamatan"]["Kec. Antah Berantah"] == 1


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Dinas PU", "pupr"),
        ("DINAS PUPR KOTA PALEMBANG", "pupr"),
        ("PDAM Tirta Musi", "tirtamusi"),
        ("Satpol-PP", "satpolpp"),
        ("Satpol PP", "satpolpp"),
        ("DLHK Kota Palembang", "dlhk"),
        ("dlhk", "dlhk"),
        ("Dinas Lingkungan Hidup dan Kebersihan", "dlhk"),
        ("Kominfo", "diskominfo"),
    ],
)
def test_agency_variants(ctx, value, code):
    assert ctx.agency.lookup(value) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Jalan Rusak", "jalan_rusak"),
        ("jalan_rusak", "jalan_rusak"),
        ("Jalan Berlubang", "jalan_rusak"),
        ("Damaged Roads", "jalan_rusak"),
        ("Banjir & Drainase", "banjir_drainase"),
        ("PJU", "pju"),
        ("Lampu Jalan", "pju"),
        ("Parkir Liar", "lalu_lintas"),
        ("e-KTP", "adminduk"),
    ],
)
def test_category_variants(ctx, value, code):
    assert ctx.category.lookup(value) == code


def test_seed_aliases_never_point_one_name_at_two_codes():
    for aliases in (CATEGORY_ALIASES, AGENCY_ALIASES):
        seen: dict[str, str] = {}
        for code, names in aliases.items():
            for name in names:
                assert seen.setdefault(alias_key(name), code) == code, name


def test_an_alias_row_overrides_a_name_and_conflicting_alias_rows_cancel():
    ctx = NormalizeContext.build(
        kecamatan=[],
        kelurahan=[],
        agencies=[],
        salt="s",
        categories=[("sampah", ["Sampah"]), ("pasar", ["Pasar"])],
        category_aliases=[
            ("Pasar", "sampah"),
            ("Lapak", "pasar"),
            ("LAPAK", "sampah"),
            ("Kios", "nonexistent"),
        ],
    )
    assert ctx.category.lookup("pasar") == "sampah"
    assert ctx.category.lookup("lapak") is None
    assert ctx.category.lookup("kios") is None  # an alias to a code that does not exist is ignored


@pytest.mark.parametrize(
    ("table", "value", "code"),
    [
        ("status", "Selesai", "selesai"),
        ("status", "SELESAI", "selesai"),
        ("status", "closed", "ditutup"),
        ("status", "Dalam Proses", "ditindaklanjuti"),
        ("status", "Ditindaklanjuti", "ditindaklanjuti"),
        ("status", "in progress", "ditindaklanjuti"),
        ("status", "Didisposisikan", "diteruskan"),
        ("status", "Menunggu Verifikasi", "baru"),
        ("channel", "SMS 1708", "sms1708"),
        ("channel", "1708", "sms1708"),
        ("channel", "Twitter", "sosmed"),
        ("channel", "Instagram", "sosmed"),
        ("channel", "Facebook", "sosmed"),
        ("channel", "Android", "app"),
        ("channel", "iOS", "app"),
        ("channel", "Website", "web"),
        ("report_type", "Aspirasi", "aspirasi"),
        ("report_type", "Permintaan Informasi", "permintaan_informasi"),
        ("report_type", "Pengaduan", "pengaduan"),
        ("outcome", "Bukan Wewenang", "bukan_wewenang"),
        ("outcome", "rejected", "ditolak"),
        ("outcome", "Dikembalikan", "dikembalikan"),
    ],
)
def test_coded_field_synonyms(table, value, code):
    assert Vocabulary.lookup(getattr(Vocabulary(), table), value) == code


def test_unknown_coded_values_are_not_guessed():
    vocab = Vocabulary()
    assert Vocabulary.lookup(vocab.status, "Menggantung") is None
    assert Vocabulary.lookup(vocab.channel, "Telepati") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ya", True),
        ("ya", True),
        ("Y", True),
        ("1", True),
        (1, True),
        (True, True),
        ("Tidak", False),
        ("TIDAK", False),
        ("N", False),
        (0, False),
        ("", False),
        (None, False),
        ("-", False),
        ("mungkin", None),
        (2, None),
    ],
)
def test_yes_no_values(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", [None, "", "  ", "-", "—", "NULL", "nan", "N/A", "#N/A", float("nan")])
def test_blank_values(value):
    assert is_blank(value)


@pytest.mark.parametrize("value", ["0", 0, "Sako", "x", 0.0, "none of it"])
def test_values_that_are_not_blank(value):
    assert not is_blank(value)
