"""The demo camera list: Palembang's six documented 2017 CCTV points plus 35 stand-ins.

By January 2026 the city ran 41 cameras, 30 of them public; the list has the same size and split.
The six 2017 points are facts (names, coordinates and kecamatan as researched; two coordinates
are estimates, said so in their note). The other 35 are demo cameras at plausible intersections
and landmarks, placed by hand from the kelurahan centroids: good enough for a map, not a survey.
Every camera streams from the local simulator, never from the city's servers: a demo must not
load someone else's production streams.
"""

# ruff: noqa: E501 - data tables (templates, coordinates) read better one record a line

from __future__ import annotations

from typing import Any, NamedTuple

SIMULATOR_BASE_URL = "http://127.0.0.1:8061"

_URL_PATH = {"mjpeg": "stream.mjpg", "jpeg": "snapshot.jpg", "hls": "index.m3u8"}


class CameraRef(NamedTuple):
    code: str
    name: str
    kecamatan_code: str
    lat: float
    lon: float
    scope: str  # publik | internal
    kind: str  # mjpeg | jpeg | hls
    agency_code: str
    note: str | None = None


# The 2017 points (../shared/data/palembang/cctv_2017_points.csv), copied as facts.
_SEED = "koordinat dari data seed pihak ketiga, belum diverifikasi dengan API resmi"
_EST = "koordinat PERKIRAAN (tanpa sumber)"
CCTV_2017: tuple[CameraRef, ...] = (
    CameraRef("bkb", "Benteng Kuto Besak (BKB)", "16.71.11", -2.9913, 104.761266, "publik", "hls", "diskominfo",
              f"Titik CCTV 2017; {_SEED}; stream publik yang dilaporkan: stream.palembang.go.id/cam2"),
    CameraRef("sp-charitas", "Simpang Charitas", "16.71.05", -2.976768, 104.75434, "publik", "mjpeg", "dishub",
              f"Titik CCTV 2017 (Jl. Jenderal Sudirman); {_SEED}; stream dilaporkan: cam8"),
    CameraRef("masjid-agung", "Masjid Agung SMB I (Jl. Jend. Sudirman)", "16.71.11", -2.98819, 104.760447,
              "publik", "mjpeg", "diskominfo", f"Titik CCTV 2017; {_SEED}; stream dilaporkan: cam9"),
    CameraRef("sp5-dprd", "Simpang Lima DPRD Sumsel", "16.71.04", -2.980102, 104.745707, "publik", "mjpeg",
              "dishub", f"Titik CCTV 2017; {_SEED}; stream dilaporkan: cam7 (kamera lain di simpang ini: cam44)"),
    CameraRef("ampera", "Jembatan Ampera (sisi utara, 16 Ilir)", "16.71.05", -2.9896, 104.7625, "publik",
              "mjpeg", "dishub", f"Titik CCTV 2017; {_EST}: jembatan dari Ilir Timur I ke Seberang Ulu I"),
    CameraRef("kapten-rivai", "Jl. Kapten A. Rivai (tengah ruas)", "16.71.05", -2.97844, 104.75002, "publik",
              "jpeg", "dishub", f"Titik CCTV 2017; {_EST}: titik tengah antara Simpang Charitas dan Simpang Lima DPRD"),
)  # fmt: skip

_DEMO = "kamera demo; lokasi perkiraan untuk peta, bukan titik terpasang"
DEMO_CAMERAS: tuple[CameraRef, ...] = (
    # publik (24)
    CameraRef("sp-polda", "Simpang Polda", "16.71.09", -2.9555, 104.7402, "publik", "mjpeg", "dishub"),
    CameraRef("musi-iv", "Jembatan Musi IV", "16.71.06", -2.9872, 104.7831, "publik", "hls", "dishub"),
    CameraRef("pasar-16", "Pasar 16 Ilir", "16.71.05", -2.9879, 104.7641, "publik", "mjpeg", "pasarjaya"),
    CameraRef("air-mancur", "Bundaran Air Mancur", "16.71.11", -2.9869, 104.7589, "publik", "mjpeg", "dishub"),
    CameraRef("sp-patal", "Simpang Patal", "16.71.18", -2.9641, 104.7702, "publik", "mjpeg", "dishub"),
    CameraRef("sp-rajawali", "Simpang Rajawali", "16.71.18", -2.9724, 104.7736, "publik", "jpeg", "dishub"),
    CameraRef("jsc", "Jakabaring Sport City", "16.71.17", -3.0219, 104.7881, "publik", "hls", "diskominfo"),
    CameraRef("sp-sekip", "Simpang Sekip", "16.71.09", -2.9668, 104.7557, "publik", "mjpeg", "dishub"),
    CameraRef("sp-radial", "Simpang Radial", "16.71.04", -2.9814, 104.7431, "publik", "mjpeg", "dishub"),
    CameraRef("sp-kampus", "Simpang Kampus", "16.71.04", -2.9806, 104.7335, "publik", "jpeg", "dishub"),
    CameraRef("sp-demang", "Simpang Demang Lebar Daun", "16.71.04", -2.9747, 104.7268, "publik", "mjpeg", "dishub"),
    CameraRef("sp-bandara", "Simpang Bandara SMB II", "16.71.07", -2.9061, 104.7043, "publik", "mjpeg", "dishub"),
    CameraRef("sp-km12", "Simpang Km 12", "16.71.07", -2.9231, 104.7188, "publik", "mjpeg", "dishub"),
    CameraRef("sp-polygon", "Simpang Polygon", "16.71.15", -2.9412, 104.7139, "publik", "jpeg", "dishub"),
    CameraRef("sp-aal", "Simpang Alang-Alang Lebar", "16.71.15", -2.9249, 104.6951, "publik", "mjpeg", "dishub"),
    CameraRef("sp-sekojo", "Simpang Sekojo", "16.71.10", -2.9591, 104.7921, "publik", "mjpeg", "dishub"),
    CameraRef("sp-kenten", "Simpang Kenten", "16.71.08", -2.9301, 104.7681, "publik", "jpeg", "dishub"),
    CameraRef("sp-plaju", "Simpang Plaju", "16.71.14", -3.0002, 104.8112, "publik", "mjpeg", "dishub"),
    CameraRef("sp-jakabaring", "Simpang Jakabaring", "16.71.17", -3.0171, 104.7752, "publik", "mjpeg", "dishub"),
    CameraRef("ampera-ulu", "Jembatan Ampera (sisi Seberang Ulu)", "16.71.02", -2.9957, 104.7641, "publik", "mjpeg",
              "dishub"),
    CameraRef("musi-ii", "Jembatan Musi II", "16.71.12", -3.0021, 104.7182, "publik", "mjpeg", "dishub"),
    CameraRef("kambang-iwak", "Taman Kambang Iwak", "16.71.11", -2.9891, 104.7488, "publik", "jpeg", "diskominfo"),
    CameraRef("pasar-cinde", "Pasar Cinde", "16.71.11", -2.9822, 104.7541, "publik", "mjpeg", "pasarjaya"),
    CameraRef("sp-14-ulu", "Simpang 14 Ulu", "16.71.03", -2.9903, 104.7791, "publik", "mjpeg", "dishub"),
    # internal (11)
    CameraRef("balai-kota", "Kantor Wali Kota (Kantor Ledeng)", "16.71.11", -2.9883, 104.7546, "internal", "mjpeg",
              "diskominfo"),
    CameraRef("boom-baru", "Pelabuhan Boom Baru", "16.71.06", -2.9751, 104.7929, "internal", "mjpeg", "dishub"),
    CameraRef("st-kertapati", "Stasiun Kertapati", "16.71.13", -3.0221, 104.7509, "internal", "jpeg", "dishub"),
    CameraRef("tpa-sukawinatan", "TPA Sukawinatan", "16.71.07", -2.9161, 104.7339, "internal", "jpeg", "dlhk"),
    CameraRef("retensi-polda", "Kolam Retensi Simpang Polda", "16.71.09", -2.9561, 104.7391, "internal", "mjpeg",
              "pupr"),
    CameraRef("pintu-air-sekanak", "Pintu Air Sungai Sekanak", "16.71.01", -2.9931, 104.7449, "internal", "mjpeg",
              "pupr"),
    CameraRef("rumah-pompa-bendung", "Rumah Pompa Sungai Bendung", "16.71.18", -2.9655, 104.7761, "internal",
              "jpeg", "pupr"),
    CameraRef("pasar-kuto", "Pasar Kuto", "16.71.18", -2.9781, 104.7731, "internal", "mjpeg", "pasarjaya"),
    CameraRef("sp-tegal-binangun", "Simpang Tegal Binangun", "16.71.14", -3.0198, 104.8061, "internal", "jpeg",
              "dishub"),
    CameraRef("sp-sematang-borang", "Simpang Sematang Borang", "16.71.16", -2.9352, 104.8052, "internal", "mjpeg",
              "dishub"),
    CameraRef("sp-keramasan", "Simpang Keramasan", "16.71.13", -3.0301, 104.7152, "internal", "hls", "dishub"),
)  # fmt: skip


# How the camera simulator (demo/camsim.py) makes each demo camera behave; every code not listed
# is "normal". A few faulty ones, fixed, so that every health state shows in the demo: dead (HTTP
# 503), closed (connection closed without an answer), hang (accepts, never answers), stall (the
# stream stops mid-frame), frozen (the same frame forever), dark (a black picture), stale (an NVR
# stuck on its last snapshot, answering 304 Not Modified: a JPEG camera, since only a snapshot
# URL is asked conditionally).
BEHAVIOUR: dict[str, str] = {
    "sp-km12": "dead",
    "st-kertapati": "closed",
    "tpa-sukawinatan": "hang",
    "sp-sekojo": "stall",
    "sp-plaju": "frozen",
    "pintu-air-sekanak": "dark",
    "rumah-pompa-bendung": "stale",
}


def camera_url(code: str, kind: str, base_url: str = SIMULATOR_BASE_URL) -> str:
    """Where the local camera simulator serves `code` in the given kind."""
    return f"{base_url.rstrip('/')}/cam/{code}/{_URL_PATH[kind]}"


def camera_rows(agency_ids: dict[str, int], base_url: str = SIMULATOR_BASE_URL) -> list[dict[str, Any]]:
    """Rows for the camera table: the 2017 points first, then the demo cameras."""
    rows = []
    for is_demo, refs in ((False, CCTV_2017), (True, DEMO_CAMERAS)):
        for ref in refs:
            rows.append(
                {
                    "code": ref.code,
                    "name": ref.name,
                    "kecamatan_code": ref.kecamatan_code,
                    "lat": ref.lat,
                    "lon": ref.lon,
                    "kind": ref.kind,
                    "url": camera_url(ref.code, ref.kind, base_url),
                    "scope": ref.scope,
                    "agency_id": agency_ids.get(ref.agency_code),
                    "enabled": True,
                    "is_demo": is_demo,
                    "headers": None,
                    "note": ref.note or _DEMO,
                }
            )
    return rows
