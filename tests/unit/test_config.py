from datetime import date

import pytest

from config import ConfigError, load


def env(tmp_path, **extra):
    return {"DATA_DIR": str(tmp_path / "data"), **extra}


def test_defaults_give_a_sqlite_file_under_the_data_folder(tmp_path):
    s = load(env(tmp_path))
    assert s.database_url == f"sqlite:///{tmp_path / 'data' / 'lawangjabo.db'}"
    assert (s.host, s.port, s.default_lang, s.debug) == ("127.0.0.1", 8050, "id", False)
    assert (tmp_path / "data").is_dir()


def test_postgresql_url_gets_the_psycopg_driver(tmp_path):
    s = load(env(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test"))
    assert s.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert not s.is_sqlite


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x", "DATABASE_URL: unknown scheme 'mysql'"),
        ("DATABASE_URL", "just-a-path.db", "DATABASE_URL: unknown scheme"),
        ("PORT", "abc", "PORT: expected a whole number, got 'abc'"),
        ("PORT", "70000", "PORT: 70000 is outside 1..65535"),
        ("DEBUG", "maybe", "DEBUG: expected true or false"),
        ("DEFAULT_LANG", "fr", "DEFAULT_LANG: expected 'id' or 'en'"),
        ("CUTI_BERSAMA", "2026-02-30", "CUTI_BERSAMA: '2026-02-30' is not a date"),
        ("SEED_COMPLAINTS", "-5", "SEED_COMPLAINTS: -5 is outside"),
    ],
)
def test_a_bad_setting_is_named_with_what_is_wrong(tmp_path, name, value, expected):
    with pytest.raises(ConfigError) as err:
        load(env(tmp_path, **{name: value}))
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_unwritable_data_folder_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError) as err:
        load({"DATA_DIR": str(blocker / "sub")})
    assert str(err.value).startswith("DATA_DIR: cannot create folder")


def test_cuti_bersama_list_and_secret_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    s = load(env(tmp_path, CUTI_BERSAMA="2026-12-24, 2026-03-20", SECRET_KEY_FILE=str(secret)))
    assert s.cuti_bersama == (date(2026, 3, 20), date(2026, 12, 24))
    assert s.secret_key == "s3cr3t"
    assert "s3cr3t" not in repr(s)
