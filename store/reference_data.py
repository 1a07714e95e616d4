"""Reference facts for Kota Palembang (16.71), written into the project.

Codes and names: Kepmendagri 300.2.2-2138/2025. Kecamatan centroids and areas as published
with the reference table; kelurahan centroids are approximate (computed once, rounded to
1e-4 degrees, about 11 m). No polygons live here: boundaries load from BOUNDARIES_PATH.
"""

from typing import NamedTuple


class KecamatanRef(NamedTuple):
    code: str
    name: str  # Kepmendagri 2025 name
    common_name: str
    lat: float
    lon: float
    area_km2: float
    aliases: tuple[str, ...]


class KelurahanRef(NamedTuple):
    code: str
    kecamatan_code: str
    name: str
    lat: float
    lon: float


CITY_CODE = "16.71"
CITY_NAME = "Kota Palembang"
POPULATION_2024 = 1_801_367

KECAMATAN: tuple[KecamatanRef, ...] = (
    KecamatanRef(
        "16.71.01",
        "Ilir Barat Dua",
        "Ilir Barat II",
        -2.99918,
        104.744155,
        4.19,
        ("Ilir Barat 2", "IB II", "Ilir Barat II", "Kec. Ilir Barat II"),
    ),
    KecamatanRef(
        "16.71.02",
        "Seberang Ulu Satu",
        "Seberang Ulu I",
        -3.005524,
        104.760264,
        3.92,
        ("Seberang Ulu 1", "SU I", "Seberang Ulu I", "Kec. Seberang Ulu I"),
    ),
    KecamatanRef(
        "16.71.03",
        "Seberang Ulu Dua",
        "Seberang Ulu II",
        -2.994733,
        104.788526,
        8.35,
        ("Seberang Ulu 2", "SU II", "Seberang Ulu II"),
    ),
    KecamatanRef(
        "16.71.04",
        "Ilir Barat Satu",
        "Ilir Barat I",
        -2.971907,
        104.690956,
        40.18,
        ("Ilir Barat 1", "IB I", "Ilir Barat I"),
    ),
    KecamatanRef(
        "16.71.05",
        "Ilir Timur Satu",
        "Ilir Timur I",
        -2.973183,
        104.750519,
        5.16,
        ("Ilir Timur 1", "IT I", "Ilir Timur I", "Ilir Timur Satu"),
    ),
    KecamatanRef(
        "16.71.06",
        "Ilir Timur Dua",
        "Ilir Timur II",
        -2.972217,
        104.790302,
        8.55,
        ("Ilir Timur 2", "IT II", "Ilir Timur II", "Ilir Timur Dua"),
    ),
    KecamatanRef("16.71.07", "Sukarami", "Sukarami", -2.906063, 104.715314, 47.27, ("Sukarame",)),
    KecamatanRef("16.71.08", "Sako", "Sako", -2.920072, 104.783887, 15.57, ()),
    KecamatanRef("16.71.09", "Kemuning", "Kemuning", -2.95471, 104.750537, 6.51, ()),
    KecamatanRef("16.71.10", "Kalidoni", "Kalidoni", -2.961787, 104.820533, 32.99, ()),
    KecamatanRef(
        "16.71.11", "Bukitkecil", "Bukit Kecil", -2.987618, 104.752232, 2.38, ("Bukit Kecil", "Bukitkecil")
    ),
    KecamatanRef("16.71.12", "Gandus", "Gandus", -3.003517, 104.673915, 49.7, ()),
    KecamatanRef("16.71.13", "Kertapati", "Kertapati", -3.04099, 104.721382, 41.11, ()),
    KecamatanRef("16.71.14", "Plaju", "Plaju", -3.006989, 104.816181, 16.52, ()),
    KecamatanRef(
        "16.71.15",
        "Alang-alang Lebar",
        "Alang-Alang Lebar",
        -2.939536,
        104.701352,
        23.27,
        ("Alang-Alang Lebar", "Alang Alang Lebar", "AAL"),
    ),
    KecamatanRef(
        "16.71.16",
        "Sematangborang",
        "Sematang Borang",
        -2.930709,
        104.824665,
        24.82,
        ("Sematang Borang", "Sematangborang"),
    ),
    KecamatanRef("16.71.17", "Jakabaring", "Jakabaring", -3.021426, 104.778962, 14.16, ()),
    KecamatanRef(
        "16.71.18",
        "Ilir Timur Tiga",
        "Ilir Timur III",
        -2.958866,
        104.767562,
        7.84,
        ("Ilir Timur 3", "IT III", "Ilir Timur III", "Ilir Timur Tiga"),
    ),
)

KELURAHAN: tuple[KelurahanRef, ...] = (
    KelurahanRef("16.71.01.1001", "16.71.01", "Tiga-puluh-lima Ilir", -3.008, 104.7436),
    KelurahanRef("16.71.01.1002", "16.71.01", "Tiga-puluh-dua Ilir", -3.0022, 104.7448),
    KelurahanRef("16.71.01.1003", "16.71.01", "Tiga-puluh Ilir", -2.9954, 104.7436),
    KelurahanRef("16.71.01.1004", "16.71.01", "Dua-puluh-sembilan Ilir", -2.9956, 104.7522),
    KelurahanRef("16.71.01.1005", "16.71.01", "Dua-puluh-delapan Ilir", -2.9958, 104.7557),
    KelurahanRef("16.71.01.1006", "16.71.01", "Dua-puluh-tujuh Ilir", -2.9933, 104.7549),
    KelurahanRef("16.71.01.1007", "16.71.01", "Kemangmanis", -2.9944, 104.7359),
    KelurahanRef("16.71.02.1002", "16.71.02", "Satu Ulu", -3.011, 104.7531),
    KelurahanRef("16.71.02.1003", "16.71.02", "Dua Ulu", -3.0065, 104.7548),
    KelurahanRef("16.71.02.1004", "16.71.02", "Tiga Empat Ulu", -3.005, 104.7582),
    KelurahanRef("16.71.02.1005", "16.71.02", "Lima Ulu", -3.0067, 104.7643),
    KelurahanRef("16.71.02.1006", "16.71.02", "Tujuh Ulu", -2.9987, 104.7645),
    KelurahanRef("16.71.03.1001", "16.71.03", "Sebelas Ulu", -2.9915, 104.769),
    KelurahanRef("16.71.03.1002", "16.71.03", "Dua-belas Ulu", -2.9897, 104.7703),
    KelurahanRef("16.71.03.1003", "16.71.03", "Tiga-belas Ulu", -2.9929, 104.776),
    KelurahanRef("16.71.03.1004", "16.71.03", "Empat-belas Ulu", -2.989, 104.7796),
    KelurahanRef("16.71.03.1005", "16.71.03", "Enam-belas Ulu", -2.9986, 104.7902),
    KelurahanRef("16.71.03.1006", "16.71.03", "Tanggatakat", -2.9878, 104.7921),
    KelurahanRef("16.71.03.1007", "16.71.03", "Sentosa", -3.0023, 104.8005),
    KelurahanRef("16.71.04.1001", "16.71.04", "Bukitlama", -3.0006, 104.7272),
    KelurahanRef("16.71.04.1002", "16.71.04", "Lorokpakjo", -2.9791, 104.7343),
    KelurahanRef("16.71.04.1003", "16.71.04", "Dua-puluh-enam Ilir Satu", -2.9849, 104.7416),
    KelurahanRef("16.71.04.1004", "16.71.04", "Siringagung", -2.9651, 104.7225),
    KelurahanRef("16.71.04.1005", "16.71.04", "Demang-Lebardaun", -2.9753, 104.7252),
    KelurahanRef("16.71.04.1006", "16.71.04", "Bukitbaru", -2.966, 104.6715),
    KelurahanRef("16.71.05.1001", "16.71.05", "Delapan-belas Ilir", -2.9852, 104.7591),
    KelurahanRef("16.71.05.1002", "16.71.05", "Enam-belas Ilir", -2.9883, 104.7646),
    KelurahanRef("16.71.05.1003", "16.71.05", "Tiga-belas Ilir", -2.9851, 104.7677),
    KelurahanRef("16.71.05.1004", "16.71.05", "Empat-belas Ilir", -2.9835, 104.7653),
    KelurahanRef("16.71.05.1005", "16.71.05", "Lima-belas Ilir", -2.9817, 104.7625),
    KelurahanRef("16.71.05.1006", "16.71.05", "Tujuh-belas Ilir", -2.9828, 104.7601),
    KelurahanRef("16.71.05.1007", "16.71.05", "Dua-puluh Ilir Tiga", -2.9688, 104.7448),
    KelurahanRef("16.71.05.1008", "16.71.05", "Dua-puluh Ilir Empat", -2.9598, 104.7339),
    KelurahanRef("16.71.05.1009", "16.71.05", "Dua-puluh Ilir Satu", -2.9738, 104.7571),
    KelurahanRef("16.71.05.1010", "16.71.05", "Sungaipangeran", -2.9767, 104.75),
    KelurahanRef("16.71.05.1011", "16.71.05", "Kepandean-Baru", -2.9771, 104.761),
    KelurahanRef("16.71.06.1005", "16.71.06", "Lima Ilir", -2.9658, 104.7773),
    KelurahanRef("16.71.06.1006", "16.71.06", "Tiga Ilir", -2.977, 104.7836),
    KelurahanRef("16.71.06.1007", "16.71.06", "Satu Ilir", -2.9826, 104.8087),
    KelurahanRef("16.71.06.1008", "16.71.06", "Dua Ilir", -2.9607, 104.785),
    KelurahanRef("16.71.06.1009", "16.71.06", "Lawangkidul", -2.978, 104.7765),
    KelurahanRef("16.71.06.1012", "16.71.06", "Sungaibuah", -2.971, 104.7906),
    KelurahanRef("16.71.07.1002", "16.71.07", "Talangbetutu", -2.8886, 104.6907),
    KelurahanRef("16.71.07.1004", "16.71.07", "Sukajaya", -2.9221, 104.7446),
    KelurahanRef("16.71.07.1005", "16.71.07", "Sukarami", -2.9312, 104.7269),
    KelurahanRef("16.71.07.1007", "16.71.07", "Kebunbunga", -2.9129, 104.7207),
    KelurahanRef("16.71.07.1009", "16.71.07", "Sukabangun", -2.9446, 104.7377),
    KelurahanRef("16.71.07.1010", "16.71.07", "Talangjambe", -2.8836, 104.7164),
    KelurahanRef("16.71.07.1011", "16.71.07", "Sukodadi", -2.9057, 104.6919),
    KelurahanRef("16.71.08.1001", "16.71.08", "Sukamaju", -2.9217, 104.7639),
    KelurahanRef("16.71.08.1002", "16.71.08", "Sako", -2.9196, 104.7976),
    KelurahanRef("16.71.08.1006", "16.71.08", "Sialang", -2.9322, 104.7817),
    KelurahanRef("16.71.08.1007", "16.71.08", "Sako Baru", -2.9138, 104.7818),
    KelurahanRef("16.71.09.1001", "16.71.09", "Dua-puluh Ilir Dua", -2.957, 104.7549),
    KelurahanRef("16.71.09.1002", "16.71.09", "Ario Kemuning", -2.9548, 104.7405),
    KelurahanRef("16.71.09.1003", "16.71.09", "Sekipjaya", -2.9662, 104.7548),
    KelurahanRef("16.71.09.1004", "16.71.09", "Pahlawan", -2.9608, 104.7461),
    KelurahanRef("16.71.09.1005", "16.71.09", "Pipareja", -2.9436, 104.755),
    KelurahanRef("16.71.09.1006", "16.71.09", "Talangaman", -2.9498, 104.7486),
    KelurahanRef("16.71.10.1001", "16.71.10", "Bukitsangkal", -2.9419, 104.7777),
    KelurahanRef("16.71.10.1002", "16.71.10", "Kalidoni", -2.9535, 104.7964),
    KelurahanRef("16.71.10.1003", "16.71.10", "Sungaiselayur", -2.9681, 104.8088),
    KelurahanRef("16.71.10.1004", "16.71.10", "Sungaiselincah", -2.9758, 104.8009),
    KelurahanRef("16.71.10.1005", "16.71.10", "Sungailais", -2.9645, 104.8375),
    KelurahanRef("16.71.11.1001", "16.71.11", "Sembilan-belas Ilir", -2.9905, 104.7599),
    KelurahanRef("16.71.11.1002", "16.71.11", "Dua-puluh-dua Ilir", -2.9912, 104.7571),
    KelurahanRef("16.71.11.1003", "16.71.11", "Dua-puluh-tiga Ilir", -2.9881, 104.7549),
    KelurahanRef("16.71.11.1004", "16.71.11", "Dua-puluh-empat Ilir", -2.9832, 104.7526),
    KelurahanRef("16.71.11.1005", "16.71.11", "Dua-puluh-enam Ilir", -2.9857, 104.7484),
    KelurahanRef("16.71.11.1006", "16.71.11", "Talangsemut", -2.9905, 104.749),
    KelurahanRef("16.71.12.1001", "16.71.12", "Gandus", -2.9975, 104.6833),
    KelurahanRef("16.71.12.1002", "16.71.12", "Karanganyar", -3.0183, 104.7359),
    KelurahanRef("16.71.12.1003", "16.71.12", "Tiga-puluh-enam Ilir", -3.0131, 104.7443),
    KelurahanRef("16.71.12.1004", "16.71.12", "Karangjaya", -3.0135, 104.7208),
    KelurahanRef("16.71.12.1005", "16.71.12", "Pulokerto", -3.0055, 104.6555),
    KelurahanRef("16.71.13.1001", "16.71.13", "Kemasrindo", -3.033, 104.7579),
    KelurahanRef("16.71.13.1002", "16.71.13", "Kemangagung", -3.0349, 104.7446),
    KelurahanRef("16.71.13.1003", "16.71.13", "Keramasan", -3.0307, 104.7095),
    KelurahanRef("16.71.13.1004", "16.71.13", "Kertapati", -3.0199, 104.748),
    KelurahanRef("16.71.13.1005", "16.71.13", "Karyajaya", -3.0551, 104.7163),
    KelurahanRef("16.71.13.1006", "16.71.13", "Oganbaru", -3.0274, 104.7642),
    KelurahanRef("16.71.14.1001", "16.71.14", "Plaju Ulu", -2.9999, 104.8086),
    KelurahanRef("16.71.14.1002", "16.71.14", "Plaju Darat", -3.0188, 104.8058),
    KelurahanRef("16.71.14.1003", "16.71.14", "Plaju Ilir", -2.9958, 104.8184),
    KelurahanRef("16.71.14.1004", "16.71.14", "Baguskuning", -2.9909, 104.8092),
    KelurahanRef("16.71.14.1005", "16.71.14", "Komperta", -2.9999, 104.8291),
    KelurahanRef("16.71.14.1006", "16.71.14", "Talangputri", -3.0138, 104.8253),
    KelurahanRef("16.71.14.1007", "16.71.14", "Talangbubuk", -3.0057, 104.8122),
    KelurahanRef("16.71.15.1001", "16.71.15", "Alang-Alang Lebar", -2.9198, 104.6898),
    KelurahanRef("16.71.15.1002", "16.71.15", "Srijaya", -2.9534, 104.7242),
    KelurahanRef("16.71.15.1003", "16.71.15", "Talangkelapa", -2.9415, 104.6918),
    KelurahanRef("16.71.15.1004", "16.71.15", "Karyabaru", -2.9426, 104.7108),
    KelurahanRef("16.71.16.1001", "16.71.16", "Srimulya", -2.9391, 104.8073),
    KelurahanRef("16.71.16.1002", "16.71.16", "Sukamulya", -2.926, 104.8281),
    KelurahanRef("16.71.16.1003", "16.71.16", "Lebung-Gajah", -2.9341, 104.7941),
    KelurahanRef("16.71.16.1005", "16.71.16", "Karyamulya", -2.9304, 104.8402),
    KelurahanRef("16.71.17.1001", "16.71.17", "Delapan Ulu", -3.0107, 104.7737),
    KelurahanRef("16.71.17.1002", "16.71.17", "Sembilan Sepuluh Ulu", -2.9944, 104.7698),
    KelurahanRef("16.71.17.1003", "16.71.17", "Lima-belas Ulu", -3.0342, 104.7798),
    KelurahanRef("16.71.17.1004", "16.71.17", "Silaberanti", -3.0141, 104.7854),
    KelurahanRef("16.71.17.1005", "16.71.17", "Tuankentang", -3.0161, 104.7626),
    KelurahanRef("16.71.18.1001", "16.71.18", "Delapan Ilir", -2.9487, 104.7658),
    KelurahanRef("16.71.18.1002", "16.71.18", "Sembilan Ilir", -2.9694, 104.7639),
    KelurahanRef("16.71.18.1003", "16.71.18", "Sepuluh Ilir", -2.9834, 104.7695),
    KelurahanRef("16.71.18.1004", "16.71.18", "Sebelas Ilir", -2.9809, 104.7687),
    KelurahanRef("16.71.18.1005", "16.71.18", "Kutobatu", -2.9779, 104.7708),
    KelurahanRef("16.71.18.1006", "16.71.18", "Duku", -2.9633, 104.7725),
)
