"""Words of the admin pages, Bahasa Indonesia first; merged into components.i18n.TEXT."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "nav.admin": ("Admin", "Admin"),
    "adm.title": ("Administrasi", "Administration"),
    "adm.lead": (
        "Kelola pengguna dan kamera. Setiap tindakan dicatat atas nama Anda.",
        "Manage users and cameras. Every action is logged under your name.",
    ),
    "adm.asof": ("Daftar per {when}", "List as of {when}"),
    "adm.signed_in": ("Masuk sebagai {user}", "Signed in as {user}"),
    "adm.not_signed_in": (
        "Anda belum masuk sebagai admin: daftar dapat dilihat, tetapi semua perubahan akan ditolak.",
        "You are not signed in as an admin: the lists are shown, but every change will be refused.",
    ),
    # users
    "adm.users": ("Pengguna", "Users"),
    "adm.col.username": ("Nama pengguna", "Username"),
    "adm.col.display_name": ("Nama tampilan", "Display name"),
    "adm.col.role": ("Peran", "Role"),
    "adm.col.state": ("Status", "State"),
    "adm.col.created": ("Dibuat", "Created"),
    "adm.col.last_login": ("Terakhir masuk", "Last login"),
    "adm.col.actions": ("Tindakan", "Actions"),
    "adm.never": ("belum pernah", "never"),
    "adm.you": ("(Anda)", "(you)"),
    "adm.state.active": ("aktif", "active"),
    "adm.state.inactive": ("nonaktif", "disabled"),
    "adm.role.staf": ("Staf Kominfo", "Kominfo staff"),
    "adm.role.pimpinan": ("Pimpinan", "Leadership"),
    "adm.role.admin": ("Admin", "Admin"),
    "adm.act.reset": ("Sandi baru", "New password"),
    "adm.act.disable": ("Nonaktifkan", "Disable"),
    "adm.act.enable": ("Aktifkan", "Enable"),
    "adm.new": ("Tambah pengguna", "Add a user"),
    "adm.new.username": ("Nama pengguna", "Username"),
    "adm.new.username.help": (
        "huruf kecil, angka, titik atau garis bawah",
        "lowercase letters, digits, '.' or '_'",
    ),
    "adm.new.name": ("Nama tampilan", "Display name"),
    "adm.new.role": ("Peran", "Role"),
    "adm.new.password": ("Kata sandi", "Password"),
    "adm.new.password.help": (
        "kosongkan agar dibuatkan; minimal {n} karakter",
        "leave empty to have one generated; at least {n} characters",
    ),
    "adm.new.submit": ("Tambah", "Add"),
    "adm.pw.once": (
        "Kata sandi untuk {user} (hanya ditampilkan sekali ini; salin dan serahkan secara langsung):",
        "Password of {user} (shown this once only; copy it and hand it over in person):",
    ),
    "adm.ok.created": (
        "Pengguna {user} ditambahkan dengan peran {role}.",
        "User {user} added with role {role}.",
    ),
    "adm.ok.created_typed": (
        "Pengguna {user} ditambahkan dengan peran {role} dan kata sandi yang Anda ketik.",
        "User {user} added with role {role} and the password you typed.",
    ),
    "adm.ok.reset": (
        "Kata sandi {user} diganti; kata sandi lama tidak berlaku lagi.",
        "{user}'s password was replaced; the old one no longer works.",
    ),
    "adm.ok.disabled": (
        "{user} dinonaktifkan: tidak dapat masuk lagi, sesi yang terbuka berakhir.",
        "{user} disabled: cannot log in any more, open sessions end.",
    ),
    "adm.ok.enabled": ("{user} diaktifkan kembali.", "{user} enabled again."),
    "adm.ok.role": ("Peran {user} sekarang {role}.", "{user}'s role is now {role}."),
    "adm.err.no_caller": (
        "Ditolak: Anda belum masuk sebagai admin (atau sesi Anda berakhir). Silakan masuk lagi.",
        "Refused: you are not signed in as an admin (or your session ended). Please log in again.",
    ),
    "adm.err.username_invalid": (
        "Nama pengguna: 1-64 huruf, angka, titik atau garis bawah.",
        "Username: 1-64 letters, digits, '.' or '_'.",
    ),
    "adm.err.username_taken": ("Nama pengguna: {user} sudah dipakai.", "Username: {user} is taken already."),
    "adm.err.no_user": ("Pengguna {user} tidak ada.", "There is no user {user}."),
    "adm.err.password_short": (
        "Kata sandi: minimal {n} karakter.",
        "Password: at least {n} characters are needed.",
    ),
    "adm.err.role_unknown": ("Peran: {role} tidak dikenal.", "Role: {role} is unknown."),
    "adm.err.last_admin_disabled": (
        "Ditolak: {user} adalah admin aktif terakhir dan tidak dapat dinonaktifkan. "
        "Jadikan pengguna lain admin terlebih dahulu.",
        "Refused: {user} is the last active admin and cannot be disabled. Make another user admin first.",
    ),
    "adm.err.last_admin_demoted": (
        "Ditolak: {user} adalah admin aktif terakhir; perannya tidak dapat diturunkan. "
        "Jadikan pengguna lain admin terlebih dahulu.",
        "Refused: {user} is the last active admin and cannot be demoted. Make another user admin first.",
    ),
    "adm.err.self_disable": (
        "Ditolak: Anda tidak dapat menonaktifkan akun Anda sendiri.",
        "Refused: you cannot disable your own account.",
    ),
    # cameras
    "adm.cameras": ("Kamera", "Cameras"),
    "adm.cam.lead": (
        "Perubahan berlaku pada siklus pengambilan gambar berikutnya dan tetap berlaku setelah impor "
        "registri (python -m jobs.import_cameras): kolom yang diubah di sini tidak ditimpa berkas registri.",
        "Changes take effect on the next capture cycle and survive a registry import "
        "(python -m jobs.import_cameras): fields edited here are not overwritten by the registry file.",
    ),
    "adm.cam.search": ("Cari kamera…", "Search cameras…"),
    "adm.cam.count": ("{n} kamera, {on} aktif", "{n} cameras, {on} enabled"),
    "adm.cam.col.name": ("Nama", "Name"),
    "adm.cam.col.code": ("Kode", "Code"),
    "adm.cam.col.kecamatan": ("Kecamatan", "Kecamatan"),
    "adm.cam.col.kind": ("Jenis", "Kind"),
    "adm.cam.col.scope": ("Cakupan", "Scope"),
    "adm.cam.col.agency": ("OPD", "Agency"),
    "adm.cam.col.enabled": ("Diambil", "Captured"),
    "adm.cam.col.status": ("Status", "Status"),
    "adm.cam.yes": ("ya", "yes"),
    "adm.cam.no": ("tidak", "no"),
    "adm.cam.disabled": ("Dinonaktifkan", "Disabled"),
    "adm.cam.pick": (
        "Klik sebuah kamera di tabel untuk mengubahnya.",
        "Click a camera in the table to edit it.",
    ),
    "adm.cam.edit": ("Ubah kamera {code}", "Edit camera {code}"),
    "adm.cam.name": ("Nama", "Name"),
    "adm.cam.url": ("URL ({kind})", "URL ({kind})"),
    "adm.cam.url.help": ("harus diawali {schemes}", "must start with {schemes}"),
    "adm.cam.scope": ("Cakupan", "Scope"),
    "adm.cam.enabled": ("Aktif (diambil gambarnya setiap siklus)", "Enabled (captured every cycle)"),
    "adm.cam.save": ("Simpan", "Save"),
    "adm.cam.ok.saved": (
        "Kamera {code} disimpan: {fields}. Berlaku pada siklus pengambilan berikutnya.",
        "Camera {code} saved: {fields}. Takes effect on the next capture cycle.",
    ),
    "adm.cam.ok.nochange": (
        "Tidak ada yang berubah pada kamera {code}.",
        "Nothing changed on camera {code}.",
    ),
    "adm.cam.chg.name": ("nama baru", "new name"),
    "adm.cam.chg.url": ("URL baru", "new URL"),
    "adm.cam.chg.scope": ("cakupan {scope}", "scope {scope}"),
    "adm.cam.chg.enabled.on": ("diaktifkan", "enabled"),
    "adm.cam.chg.enabled.off": ("dinonaktifkan", "disabled"),
    "adm.cam.err.no_camera": (
        "Kamera tidak ditemukan (mungkin sudah dihapus).",
        "Camera not found (deleted?).",
    ),
    "adm.cam.err.name_empty": ("Nama: tidak boleh kosong.", "Name: must not be empty."),
    "adm.cam.err.name_long": ("Nama: maksimal {n} karakter.", "Name: at most {n} characters."),
    "adm.cam.err.url_empty": ("URL: tidak boleh kosong.", "URL: must not be empty."),
    "adm.cam.err.url_long": ("URL: maksimal {n} karakter.", "URL: at most {n} characters."),
    "adm.cam.err.url_space": (
        "URL: tidak boleh berisi spasi atau karakter kendali.",
        "URL: must not contain spaces or control characters.",
    ),
    "adm.cam.err.url_scheme": (
        "URL: kamera jenis {kind} memerlukan alamat {schemes}.",
        "URL: a camera of kind {kind} needs a {schemes} address.",
    ),
    "adm.cam.err.url_host": (
        "URL: nama host tidak ada atau tidak sah.",
        "URL: the host is missing or invalid.",
    ),
    "adm.cam.err.scope_unknown": (
        "Cakupan: harus publik atau internal.",
        "Scope: must be publik or internal.",
    ),
}
