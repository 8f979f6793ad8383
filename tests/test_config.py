"""KszConfig: TOML loading, KSZ_* overrides, validation naming its key, secrets, URLs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ksz_client._config import (
    SSDN_CONNECTOR_PATH,
    Auth,
    AuthMode,
    Environment,
    KszConfig,
    Organisation,
    Secret,
    Trust,
    config_keys,
    env_name,
)
from ksz_client._exceptions import ConfigError

SECRET = "Pa55-w0rd-never-shown"  # the value the tests hunt for in every message
PERSON_PATH = "PersonService/v4/consult"

BASIC_TOML = """
environment = "sandbox"
endpoint = "http://127.0.0.1:8080/"

[organisation]
cbe_number = "0212344876"

[auth]
mode = "basic"
username = "ocmw-gent"
"""

X509_TOML = """
environment = "test"

[organisation]
sector = 17
institution = 1

[auth]
mode = "x509"
key_file = "keys/app.key"
cert_file = "keys/app.pem"

[trust]
ksz_certificates = ["trust/ksz.pem", "/abs/other.pem"]
"""


def write(folder: Path, text: str, name: str = "ksz.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / name
    file.write_text(text, encoding="utf-8")
    return file


def basic(**extra: Any) -> dict[str, Any]:
    """A minimal valid TOML-shaped mapping (basic auth, sandbox), with overrides."""
    data: dict[str, Any] = {
        "environment": "sandbox",
        "endpoint": "http://127.0.0.1:8080",
        "organisation": {"cbe_number": "0212344876"},
        "auth": {"mode": "basic", "username": "ocmw-gent"},
    }
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(data.get(key), Mapping):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


ENV = {"KSZ_PASSWORD": SECRET}


def config_error(data: Mapping[str, Any], env: Mapping[str, str] = ENV) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        KszConfig.from_mapping(data, base_dir=Path("/cfg"), env=env)
    assert SECRET not in str(info.value)
    return info.value


# --- loading -------------------------------------------------------------------------


def test_load_from_explicit_path(tmp_path: Path) -> None:
    file = write(tmp_path / "etc", BASIC_TOML)
    config = KszConfig.load(file, env=ENV)
    assert config.environment is Environment.SANDBOX
    assert config.endpoint == "http://127.0.0.1:8080/"
    assert config.organisation.cbe_number == "0212344876"
    assert config.auth.mode is AuthMode.BASIC
    assert config.auth.username == "ocmw-gent"
    assert config.auth.password == Secret(SECRET)


def test_explicit_path_wins_over_ksz_config(tmp_path: Path) -> None:
    chosen = write(tmp_path / "a", BASIC_TOML)
    other = write(tmp_path / "b", BASIC_TOML.replace("ocmw-gent", "someone-else"))
    config = KszConfig.load(chosen, env={**ENV, "KSZ_CONFIG": str(other)})
    assert config.auth.username == "ocmw-gent"


def test_load_from_ksz_config_variable(tmp_path: Path) -> None:
    file = write(tmp_path / "conf", BASIC_TOML.replace("ocmw-gent", "via-env"))
    config = KszConfig.load(env={**ENV, "KSZ_CONFIG": str(file)})
    assert config.auth.username == "via-env"


def test_load_from_ksz_toml_in_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, BASIC_TOML.replace("ocmw-gent", "from-cwd"))
    monkeypatch.chdir(tmp_path)
    config = KszConfig.load(env=ENV)
    assert config.auth.username == "from-cwd"


def test_load_without_any_file_uses_the_environment_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ksz.toml here
    config = KszConfig.load(
        env={
            **ENV,
            "KSZ_ENDPOINT": "http://localhost:9000",
            "KSZ_ORGANISATION_CBE_NUMBER": "0212344876",
            "KSZ_AUTH_MODE": "basic",
            "KSZ_AUTH_USERNAME": "env-only",
        }
    )
    assert config.endpoint == "http://localhost:9000"
    assert config.auth.username == "env-only"


def test_relative_paths_are_taken_from_the_toml_folder(tmp_path: Path) -> None:
    folder = tmp_path / "deploy"
    file = write(folder, X509_TOML)
    config = KszConfig.load(file, env={})
    assert config.auth.key_file == folder.resolve() / "keys/app.key"
    assert config.auth.cert_file == folder.resolve() / "keys/app.pem"
    assert config.trust.ksz_certificates == (
        folder.resolve() / "trust/ksz.pem",
        Path("/abs/other.pem"),
    )


def test_relative_paths_from_cwd_toml_are_taken_from_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, X509_TOML)
    monkeypatch.chdir(tmp_path)
    config = KszConfig.load(env={})
    assert config.auth.key_file == tmp_path / "keys/app.key"


def test_relative_config_path_is_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "sub", X509_TOML)
    monkeypatch.chdir(tmp_path)
    config = KszConfig.load("sub/ksz.toml", env={})
    assert config.auth.key_file == (tmp_path / "sub").resolve() / "keys/app.key"


# --- environment overrides ---------------------------------------------------------------


def test_environment_variables_override_the_file(tmp_path: Path) -> None:
    file = write(tmp_path, X509_TOML)
    config = KszConfig.load(
        file,
        env={
            "KSZ_ENVIRONMENT": "acpt",
            "KSZ_ENDPOINT": "https://override.example:4520",
            "KSZ_ORGANISATION_CBE_NUMBER": "0987654321",
            "KSZ_TIMEOUTS_READ": "12.5",
            "KSZ_TIMEOUTS_CONNECT": "2",
            "KSZ_TRUST_KSZ_CERTIFICATES": os.pathsep.join(["/pki/a.pem", "rel/b.pem"]),
        },
    )
    assert config.environment is Environment.ACPT
    assert config.endpoint == "https://override.example:4520"
    assert config.organisation.cbe_number == "0987654321"
    assert config.timeouts.read == 12.5
    assert config.timeouts.connect == 2.0
    assert config.trust.ksz_certificates == (Path("/pki/a.pem"), tmp_path.resolve() / "rel/b.pem")


def test_empty_environment_variable_does_not_override(tmp_path: Path) -> None:
    file = write(tmp_path, BASIC_TOML)
    config = KszConfig.load(file, env={**ENV, "KSZ_AUTH_USERNAME": ""})
    assert config.auth.username == "ocmw-gent"


def test_per_service_endpoint_variable_is_used_by_url_for(tmp_path: Path) -> None:
    file = write(tmp_path, BASIC_TOML)
    config = KszConfig.load(
        file, env={**ENV, "KSZ_ENDPOINTS_PERSONSERVICE": "http://127.0.0.1:9999/person"}
    )
    assert config.url_for("PersonService", PERSON_PATH) == "http://127.0.0.1:9999/person"
    assert config.url_for("OtherService", "Other/v1") == "http://127.0.0.1:8080/Other/v1"


def test_per_service_endpoint_variable_replaces_the_file_entry(tmp_path: Path) -> None:
    file = write(tmp_path, BASIC_TOML + '\n[endpoints]\nPersonService = "http://file/p"\n')
    config = KszConfig.load(file, env={**ENV, "KSZ_ENDPOINTS_PERSONSERVICE": "http://env/p"})
    assert dict(config.endpoints) == {"PersonService": "http://env/p"}


@pytest.mark.parametrize(
    ("variable", "value", "key"),
    [
        ("KSZ_TIMEOUTS_READ", "soon", "timeouts.read"),
        ("KSZ_TIMEOUTS_CONNECT", "0", "timeouts.connect"),
        ("KSZ_ORGANISATION_CBE_NUMBER", "BE0212344876", "organisation.cbe_number"),
        ("KSZ_LIMITS_POOL_SIZE", "many", "limits.pool_size"),
        ("KSZ_ENVIRONMENT", "staging", "environment"),
        ("KSZ_ENDPOINTS_PERSONSERVICE", "person.example", "endpoints.PERSONSERVICE"),
    ],
)
def test_bad_environment_value_names_the_key(
    tmp_path: Path, variable: str, value: str, key: str
) -> None:
    file = write(tmp_path, BASIC_TOML)
    KszConfig.load(file, env=ENV)  # valid without the override
    with pytest.raises(ConfigError) as info:
        KszConfig.load(file, env={**ENV, variable: value})
    assert info.value.key == key
    assert SECRET not in str(info.value)


def test_bool_from_environment(tmp_path: Path) -> None:
    file = write(tmp_path, X509_TOML)
    assert KszConfig.load(file, env={"KSZ_TRUST_ALLOW_SHA1": "yes"}).trust.allow_sha1 is True
    assert KszConfig.load(file, env={"KSZ_TRUST_ALLOW_SHA1": "off"}).trust.allow_sha1 is False
    with pytest.raises(ConfigError) as info:
        KszConfig.load(file, env={"KSZ_TRUST_ALLOW_SHA1": "maybe"})
    assert info.value.key == "trust.allow_sha1"


def test_env_name_and_config_keys() -> None:
    assert env_name("organisation.cbe_number") == "KSZ_ORGANISATION_CBE_NUMBER"
    keys = config_keys()
    assert keys["timeouts.read"] == "KSZ_TIMEOUTS_READ"
    assert "auth.password" not in keys  # secrets are never configuration keys


# --- every error names its key --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (basic(colour="blue"), "colour"),
        (basic(auth={"colour": "blue"}), "auth.colour"),
        (basic(database={"url": "x"}), "database"),
        (basic(environment="production"), "environment"),
        (basic(auth={"mode": "kerberos"}), "auth.mode"),
        (basic(organisation={"cbe_number": "12345"}), "organisation.cbe_number"),
        (basic(organisation={"cbe_number": "01234567890"}), "organisation.cbe_number"),
        (basic(organisation={"cbe_number": "012345678a"}), "organisation.cbe_number"),
        (basic(organisation={"cbe_number": 212344876}), "organisation.cbe_number"),
        (basic(organisation={"cbe_number": None, "sector": 17}), "organisation"),
        (
            {**basic(), "organisation": {"sector": 17, "institution": 1000}},
            "organisation.institution",
        ),
        (basic(auth={"mode": "x509", "username": None}), "auth"),
        (basic(auth={"mode": "x509", "key_file": "k.pem"}), "auth.cert_file"),
        (basic(auth={"mode": "x509", "cert_file": "c.pem"}), "auth.key_file"),
        (basic(auth={"username": ""}), "auth.username"),
        (basic(endpoint=None), "endpoint"),
        (basic(endpoint="ftp://example"), "endpoint"),
        (basic(endpoints={"PersonService": "not a url"}), "endpoints.PersonService"),
        (basic(endpoints={"PersonService": 42}), "endpoints.PersonService"),
        (basic(endpoints="http://x"), "endpoints"),
        (basic(environment="prod", endpoint="http://ksz.example"), "endpoint"),
        (
            basic(environment="acpt", endpoint=None, endpoints={"PersonService": "http://p"}),
            "endpoints.PersonService",
        ),
        (basic(timeouts={"read": 0}), "timeouts.read"),
        (basic(timeouts={"connect": -1}), "timeouts.connect"),
        (basic(timeouts={"read": "soon"}), "timeouts.read"),
        (basic(timeouts={"read": True}), "timeouts.read"),
        (basic(limits={"max_response_bytes": 0}), "limits.max_response_bytes"),
        (basic(limits={"pool_size": 0}), "limits.pool_size"),
        (basic(security={"clock_skew": -5}), "security.clock_skew"),
        (basic(security={"timestamp_ttl": 0}), "security.timestamp_ttl"),
        (basic(auth={"key_file": 3}), "auth.key_file"),
        (basic(trust={"ksz_certificates": [1, 2]}), "trust.ksz_certificates"),
    ],
)
def test_errors_name_their_key(data: dict[str, Any], key: str) -> None:
    error = config_error(data)
    assert error.key == key
    assert str(error).startswith(f"{key}: ")


def test_basic_without_password_names_the_variable_key() -> None:
    error = config_error(basic(), env={})
    assert error.key == "auth.password_env"


def test_x509_without_pinned_ksz_certificate() -> None:
    data = basic(auth={"mode": "x509", "key_file": "k.pem", "cert_file": "c.pem"})
    error = config_error(data)
    assert error.key == "trust.ksz_certificates"


def test_bad_toml_syntax_names_the_file_and_hides_secrets(tmp_path: Path) -> None:
    file = write(tmp_path, f'[auth]\nmode = "basic"\nusername = "u"\npassword = {SECRET}\n')
    with pytest.raises(ConfigError) as info:
        KszConfig.load(file, env={})
    assert info.value.key == "config"
    assert "ksz.toml" in str(info.value)
    assert SECRET not in str(info.value)


def test_missing_file_names_the_config_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        KszConfig.load(tmp_path / "absent.toml", env={})
    assert info.value.key == "config"
    with pytest.raises(ConfigError) as info:
        KszConfig.load(env={"KSZ_CONFIG": str(tmp_path / "absent.toml")})
    assert info.value.key == "config"


def test_a_directory_is_not_a_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        KszConfig.load(tmp_path, env={})
    assert info.value.key == "config"


@pytest.mark.parametrize(
    ("table", "name"),
    [
        ("auth", "password"),
        ("auth", "key_password"),
        ("auth", "pkcs12_password"),
    ],
)
def test_a_secret_written_in_the_file_is_refused(tmp_path: Path, table: str, name: str) -> None:
    file = write(tmp_path, BASIC_TOML + f'{name} = "{SECRET}"\n')
    assert f"[{table}]" in BASIC_TOML
    with pytest.raises(ConfigError) as info:
        KszConfig.load(file, env=ENV)
    assert info.value.key == f"{table}.{name}"
    assert f"{table}.{name}_env" in str(info.value)
    assert SECRET not in str(info.value)


def test_a_top_level_secret_is_refused() -> None:
    error = config_error({**basic(), "password": SECRET})
    assert error.key == "password"
    assert "password_env" in str(error)


# --- secrets ----------------------------------------------------------------------------------


def test_password_comes_from_the_variable_named_in_the_file(tmp_path: Path) -> None:
    file = write(tmp_path, BASIC_TOML + 'password_env = "GENT_KSZ_PASSWORD"\n')
    config = KszConfig.load(file, env={"GENT_KSZ_PASSWORD": SECRET, "KSZ_PASSWORD": "other"})
    assert config.auth.password is not None
    assert config.auth.password.reveal() == SECRET


def test_named_password_variable_missing_is_an_error(tmp_path: Path) -> None:
    file = write(tmp_path, BASIC_TOML + 'password_env = "GENT_KSZ_PASSWORD"\n')
    with pytest.raises(ConfigError) as info:
        KszConfig.load(file, env={"KSZ_PASSWORD": SECRET})  # the default is not a fallback
    assert info.value.key == "auth.password_env"


def test_default_secret_variables(tmp_path: Path) -> None:
    file = write(tmp_path, X509_TOML)
    config = KszConfig.load(
        file, env={"KSZ_KEY_PASSWORD": "key-" + SECRET, "KSZ_PKCS12_PASSWORD": "p12-" + SECRET}
    )
    assert config.auth.key_password == Secret("key-" + SECRET)
    assert config.auth.pkcs12_password == Secret("p12-" + SECRET)


def test_key_password_from_a_named_variable(tmp_path: Path) -> None:
    text = X509_TOML.replace("cert_file", 'key_password_env = "APP_KEY_PW"\ncert_file')
    file = write(tmp_path, text)
    config = KszConfig.load(file, env={"APP_KEY_PW": SECRET})
    assert config.auth.key_password == Secret(SECRET)


def test_secrets_never_show(tmp_path: Path) -> None:
    file = write(tmp_path, BASIC_TOML)
    config = KszConfig.load(file, env=ENV)
    assert config.auth.password is not None
    for text in (
        repr(config),
        str(config),
        repr(config.auth),
        str(config.auth),
        repr(config.auth.password),
        str(config.auth.password),
        f"{config.auth.password}",
    ):
        assert SECRET not in text
    assert config.auth.password.reveal() == SECRET


def test_secret_equality_without_exposure() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert len({Secret("a"), Secret("a")}) == 1


def test_no_config_error_carries_the_secret(tmp_path: Path) -> None:
    # Every failure below happens while the secret is loaded from the environment.
    env = {"KSZ_PASSWORD": SECRET, "KSZ_KEY_PASSWORD": SECRET, "KSZ_PKCS12_PASSWORD": SECRET}
    cases = [
        basic(environment="nowhere"),
        basic(timeouts={"read": -1}),
        basic(auth={"username": None}),
        basic(organisation={"cbe_number": "1"}),
        basic(auth={"mode": "x509", "key_file": "k", "cert_file": "c"}),
    ]
    for data in cases:
        with pytest.raises(ConfigError) as info:
            KszConfig.from_mapping(data, env=env)
        assert SECRET not in str(info.value)
        assert SECRET not in repr(info.value)


# --- built in code --------------------------------------------------------------------------


def test_build_in_code_and_with_overrides() -> None:
    config = KszConfig(
        organisation=Organisation(cbe_number="0212344876"),
        auth=Auth(mode=AuthMode.BASIC, username="u", password=Secret(SECRET)),
        endpoint="http://localhost:1",
    )
    changed = config.with_overrides(environment=Environment.TEST, endpoint=None)
    assert changed.environment is Environment.TEST
    with pytest.raises(ConfigError) as info:
        config.with_overrides(endpoint=None)  # the sandbox needs one
    assert info.value.key == "endpoint"


# --- url_for ------------------------------------------------------------------------------


def x509(environment: Environment, **changes: Any) -> KszConfig:
    return KszConfig(
        organisation=Organisation(cbe_number="0212344876"),
        auth=Auth(key_file=Path("k.pem"), cert_file=Path("c.pem")),
        trust=Trust(ksz_certificates=(Path("ksz.pem"),)),
        environment=environment,
        **changes,
    )


def basic_config(environment: Environment, **changes: Any) -> KszConfig:
    return KszConfig(
        organisation=Organisation(cbe_number="0212344876"),
        auth=Auth(mode=AuthMode.BASIC, username="u", password=Secret(SECRET)),
        environment=environment,
        **changes,
    )


def test_url_for_sandbox_endpoint_plus_path() -> None:
    config = x509(Environment.SANDBOX, endpoint="http://127.0.0.1:8080/")
    assert config.url_for("PersonService", PERSON_PATH) == (
        "http://127.0.0.1:8080/PersonService/v4/consult"
    )


def test_url_for_per_service_override_wins() -> None:
    config = x509(
        Environment.SANDBOX,
        endpoint="http://127.0.0.1:8080",
        endpoints={"PersonService": "http://127.0.0.1:9/p"},
    )
    assert config.url_for("PersonService", PERSON_PATH) == "http://127.0.0.1:9/p"
    assert config.url_for("PersonService", "ignored", ssdn=True) == "http://127.0.0.1:9/p"


@pytest.mark.parametrize(
    ("environment", "host"),
    [
        (Environment.TEST, "https://b2b-test.ksz-bcss.fgov.be:4520"),
        (Environment.ACPT, "https://b2b-acpt.ksz-bcss.fgov.be:4520"),
        (Environment.PROD, "https://b2b.ksz-bcss.fgov.be:4520"),
    ],
)
def test_url_for_b2b_hosts_with_x509(environment: Environment, host: str) -> None:
    config = x509(environment)
    assert config.url_for("PersonService", PERSON_PATH) == f"{host}/{PERSON_PATH}"
    assert config.url_for("OCMWCPASIdentifyPerson", "x", ssdn=True) == (
        f"{host}/{SSDN_CONNECTOR_PATH}"
    )


@pytest.mark.parametrize(
    ("environment", "host"),
    [
        (Environment.TEST, "https://bcssksz-services-test.smals.be"),
        (Environment.ACPT, "https://bcssksz-services-acpt.smals.be"),
        (Environment.PROD, "https://bcssksz-services-prod.smals.be"),
    ],
)
def test_url_for_smals_proxy_with_basic(environment: Environment, host: str) -> None:
    config = basic_config(environment)
    assert config.url_for("PersonService", PERSON_PATH) == f"{host}/SOA4520/{PERSON_PATH}"
    assert config.url_for("OCMWCPASIdentifyPerson", "x", ssdn=True) == (
        f"{host}/connectors/webservice/KSZBCSSWebServiceConnectorPort"
    )


def test_url_for_ssdn_with_an_explicit_endpoint() -> None:
    config = basic_config(Environment.SANDBOX, endpoint="http://127.0.0.1:8080")
    assert config.url_for("OCMWCPASIdentifyPerson", "x", ssdn=True) == (
        f"http://127.0.0.1:8080/{SSDN_CONNECTOR_PATH}"
    )


def test_url_for_override_is_case_insensitive() -> None:
    config = x509(Environment.TEST, endpoints={"personservice": "https://p.example/x"})
    assert config.url_for("PersonService", PERSON_PATH) == "https://p.example/x"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[ssdn_versions]\nOCMWCPASWet65Loi65AB = "2026010"\n', r"8 digits"),
        ('[ssdn_versions]\nOCMWCPASWet65Loi65AB = "2026-1-1"\n', r"8 digits"),
        ('[ssdn_versions]\nPersonService = "20260101"\n', r"not an SSDN service"),
        ('[ssdn_versions]\nNoSuchService = "20260101"\n', r"no such service"),
        ('[ssdn_versions]\nOCMWCPASWet65Loi65AB = 20260101\n', r"SSDN version string"),
    ],
)
def test_a_bad_ssdn_version_names_its_key(tmp_path: Path, table: str, message: str) -> None:
    path = write(tmp_path, BASIC_TOML + "\n" + table)
    with pytest.raises(ConfigError, match=message) as refused:
        KszConfig.load(path, env=ENV)
    assert refused.value.key is not None and refused.value.key.startswith("ssdn_versions.")


def test_an_ssdn_version_is_kept_under_the_catalogue_name(tmp_path: Path) -> None:
    path = write(tmp_path, BASIC_TOML + '\n[ssdn_versions]\nocmwcpaswet65loi65ab = "20260101"\n')
    assert KszConfig.load(path, env=ENV).ssdn_versions == {"OCMWCPASWet65Loi65AB": "20260101"}
