"""The production deployment (Dockerfile, docker-compose.yml, .env.example) agrees with the project.

No Docker engine runs here: the files are read as text and YAML, docker-compose.yml is
interpolated the way Compose does it (from .env.example, with the secrets filled in), and each
test checks one thing the README's "Production" section promises.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from hygiene.environment import VARIABLES
from hygiene.policy import ENVIRONMENT_OVERRIDES, load_policy
from hygiene.settings import POLICY_SEED

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"

# The layout of the official Airflow 3 docker-compose.yaml, with our image.
DEFAULT_AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
LONG_RUNNING = {"postgres", *DEFAULT_AIRFLOW_SERVICES}
CELERY_SERVICES = {"redis", "airflow-worker"}
# Every service that runs our image (and so our code, with the project's settings).
IMAGE_SERVICES = {"airflow-init", *DEFAULT_AIRFLOW_SERVICES, "airflow-worker", "flower"}

PRODUCT_VARIABLES = {variable.name: variable for variable in VARIABLES}
# Variables of environment.py that production does not need: none, every one is passed.
NOT_NEEDED_IN_PRODUCTION: set[str] = set()
# The Airflow secrets compose takes from .env; all but the SMTP connection are required.
AIRFLOW_SECRETS = {
    "POSTGRES_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
    "AIRFLOW_CONN_SMTP_DEFAULT",
}
OPTIONAL_SECRETS = {"AIRFLOW_CONN_SMTP_DEFAULT"}
SECRETS = AIRFLOW_SECRETS | {variable.name for variable in VARIABLES if variable.secret}
# Read by docker compose itself, not by docker-compose.yml.
READ_BY_COMPOSE = {"COMPOSE_PROFILES"}
# The host folders behind the product's folders (.env.example).
DATA_MOUNTS = {
    "HYGIENE_LANDING_DIR": "HOST_LANDING_DIR",
    "HYGIENE_OUTPUT_DIR": "HOST_OUTPUT_DIR",
    "HYGIENE_WAREHOUSE_DIR": "HOST_WAREHOUSE_DIR",
}


# -- reading the files ---------------------------------------------------------------------------

class ComposeError(ValueError):
    """What `docker compose` refuses: a required variable (${NAME:?message}) that is unset."""


REFERENCE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation: $$ is a literal $, ${NAME:-default}, ${NAME:?error}, ${NAME}."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg")
        value = env.get(name)
        if op in (":-", ":?") and not value or op in ("-", "?") and value is None:
            if op.endswith("?"):
                raise ComposeError(f"{name}: {arg}")
            return arg
        return value or ""

    return REFERENCE.sub(replace, text)


def references(text: str) -> set[str]:
    """The variables a text refers to (not the $$-escaped ones the container's shell expands)."""
    return {
        match.group("name") or match.group("bare")
        for match in REFERENCE.finditer(text)
        if match.group(0) != "$$"
    }


def deep(value, function):
    if isinstance(value, dict):
        return {key: deep(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [deep(item, function) for item in value]
    return function(value) if isinstance(value, str) else value


def strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, str):
        yield value


@cache
def raw_compose() -> dict:
    """docker-compose.yml as YAML (anchors and merge keys resolved), not interpolated."""
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose(env: dict[str, str] | None = None) -> dict:
    """docker-compose.yml as Compose sees it with `env` as .env (default: .env.example filled)."""
    env = filled_env() if env is None else env
    return deep(raw_compose(), lambda text: interpolate(text, env))


def env_example() -> dict[str, str]:
    entries = env_entries()
    return {key: value for key, value, _ in entries}


@cache
def env_entries() -> tuple[tuple[str, str, str], ...]:
    """(name, value, the comment line above it) for each setting of .env.example."""
    entries, comment = [], ""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment = line.lstrip("# ").strip()
        elif "=" in line:
            name, value = line.split("=", 1)
            entries.append((name.strip(), value.strip(), comment))
            comment = ""
        elif not line.strip():
            comment = ""
    return tuple(entries)


def filled_env(**overrides: str) -> dict[str, str]:
    """.env.example as an operator fills it in: every secret given a value."""
    env = env_example()
    env.update({name: f"test-{name.lower()}" for name in SECRETS})
    env.update(overrides)
    return env


def environment(service: str, env: dict[str, str] | None = None) -> dict[str, str]:
    return {
        key: str(value) for key, value in compose(env)["services"][service]["environment"].items()
    }


@cache
def dockerfile() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        pending += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            if pending.strip():
                keyword, _, arguments = pending.strip().partition(" ")
                instructions.append((keyword.upper(), " ".join(arguments.split())))
            pending = ""
    return tuple(instructions)


def dockerfile_args() -> dict[str, str]:
    return dict(arguments.split("=", 1) for keyword, arguments in dockerfile() if keyword == "ARG")


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, arguments in dockerfile():
        if keyword == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(arguments))
    return env


def makefile_variable(name: str) -> str:
    match = re.search(rf"^{name}\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, f"the Makefile sets no {name}"
    return match.group(1)


def enabled_services(profiles: set[str]) -> set[str]:
    return {
        name
        for name, service in raw_compose()["services"].items()
        if not service.get("profiles") or profiles & set(service["profiles"])
    }


def mounts(service: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """container path -> source (host path or volume name) of a service's volumes."""
    result = {}
    for volume in compose(env)["services"][service].get("volumes", []):
        source, target = volume.split(":")[:2]
        result[target] = source
    return result


# -- the services of the official layout ----------------------------------------------------------

def test_every_service_of_the_official_layout_is_there_with_a_healthcheck():
    services = raw_compose()["services"]
    expected = {"postgres", "airflow-init", *DEFAULT_AIRFLOW_SERVICES, *CELERY_SERVICES}
    assert expected <= set(services)
    for name in LONG_RUNNING | CELERY_SERVICES | {"flower"}:
        test = services[name].get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"


def test_healthchecks_ask_airflow_3_where_the_official_file_asks():
    services = raw_compose()["services"]
    apiserver = " ".join(services["airflow-apiserver"]["healthcheck"]["test"])
    container_port = services["airflow-apiserver"]["ports"][0].rsplit(":", 1)[1]
    assert f"http://localhost:{container_port}/api/v2/monitor/health" in apiserver
    assert "http://localhost:8974/health" in services["airflow-scheduler"]["healthcheck"]["test"]
    assert environment("airflow-scheduler")["AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK"] == "True"
    for service, job in (("airflow-dag-processor", "DagProcessorJob"),
                         ("airflow-triggerer", "TriggererJob")):
        test = services[service]["healthcheck"]["test"]
        # $$ so that the container's shell, not Compose on the host, reads HOSTNAME
        command = f'airflow jobs check --job-type {job} --hostname "$${{HOSTNAME}}"'
        assert test == ["CMD-SHELL", command]
    worker = services["airflow-worker"]["healthcheck"]["test"][1]
    assert "celery_executor.app inspect ping" in worker and '"celery@$${HOSTNAME}"' in worker


def test_container_shell_variables_are_not_interpolated_on_the_host():
    """Health checks and the init script refer to no variable Compose would fill from the host."""
    for name, service in raw_compose()["services"].items():
        shell = (service.get("healthcheck", {}), service.get("command", []))
        for text in (*strings(shell[0]), *strings(shell[1])):
            assert not references(text), f"{name}: {sorted(references(text))} taken from the host"


def test_airflow_services_wait_for_a_healthy_db_and_a_finished_init():
    services = raw_compose()["services"]
    for name in DEFAULT_AIRFLOW_SERVICES | {"airflow-worker"}:
        depends_on = services[name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-init"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    worker = services["airflow-worker"]["depends_on"]
    assert worker["airflow-apiserver"]["condition"] == "service_healthy"


def test_long_running_services_restart_and_init_runs_once():
    services = raw_compose()["services"]
    for name in LONG_RUNNING | CELERY_SERVICES:
        assert services[name]["restart"] == "always", name
    assert services["airflow-init"]["restart"] == "no"


def test_init_migrates_the_db_creates_the_admin_and_checks_resources():
    init = raw_compose()["services"]["airflow-init"]
    script = init["command"][-1]
    assert init["user"] == "0:0"  # to create and hand over the host folders
    assert "airflow db migrate" in script
    assert "SimpleAuthManager().init()" in script
    assert "_PHYS_PAGES" in script and "/proc/stat" in script and "df -P" in script
    for variable in DATA_MOUNTS:
        assert f'"$${{{variable}}}"' in script, f"init does not prepare {variable}"


def test_admin_password_file_is_on_a_volume_shared_by_init_and_the_api_server_only():
    env = environment("airflow-apiserver")
    admin = env_example()["AIRFLOW_ADMIN_USER"]
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] == f"{admin}:admin"
    folder = str(Path(env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]).parent)
    holders = {name for name in IMAGE_SERVICES if mounts(name).get(folder) == "airflow-auth"}
    assert holders == {"airflow-init", "airflow-apiserver"}
    assert "airflow-auth" in raw_compose()["volumes"]


# -- the image ------------------------------------------------------------------------------------

def test_every_airflow_service_runs_the_image_built_from_the_repo_dockerfile():
    services = raw_compose()["services"]
    images = set()
    for name in IMAGE_SERVICES:
        build = services[name]["build"]
        assert (ROOT / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE, name
        assert "dockerfile_inline" not in build
        images.add(services[name]["image"])
    assert len(images) == 1, f"one image for every Airflow service, not {images}"
    others = set(services) - IMAGE_SERVICES
    assert all("build" not in services[name] for name in others)


def test_dags_and_plugins_folders_are_where_the_dockerfile_copies_the_project():
    workdir = next(arguments for keyword, arguments in dockerfile() if keyword == "WORKDIR")
    assert ("COPY", ". .") in dockerfile(), "the project is copied into the WORKDIR"
    env = dockerfile_env()
    for setting, folder, module in (
        ("AIRFLOW__CORE__DAGS_FOLDER", "dags", "retention_nightly.py"),
        ("AIRFLOW__CORE__PLUGINS_FOLDER", "plugins", "hygiene/__init__.py"),
    ):
        assert env[setting] == f"{workdir}/{folder}"
        assert (ROOT / folder / module).is_file()
        for service in IMAGE_SERVICES:  # compose leaves the image's folders alone
            assert environment(service).get(setting, env[setting]) == env[setting]
    assert env["PATH"].startswith(f"{workdir}/.venv/bin:")


def test_dockerfile_installs_the_lock_frozen_with_the_makefiles_uv():
    uv_version = makefile_variable("UV_VERSION")
    assert dockerfile_args()["UV_VERSION"] == uv_version
    runs = [arguments for keyword, arguments in dockerfile() if keyword == "RUN"]
    assert any('pip install --no-cache-dir "uv==${UV_VERSION}"' in run for run in runs)
    syncs = [index for index, (keyword, arguments) in enumerate(dockerfile())
             if keyword == "RUN" and "uv sync" in arguments]
    assert len(syncs) == 2
    for index in syncs:
        arguments = dockerfile()[index][1]
        for flag in ("--frozen", "--no-dev", "--extra postgres"):
            assert flag in arguments
    assert not any("pip install -r" in run or "uv pip" in run for run in runs)
    # the lock alone first (a cached layer), then the project
    copy_lock = dockerfile().index(("COPY", "pyproject.toml uv.lock ./"))
    copy_all = dockerfile().index(("COPY", ". ."))
    assert copy_lock < syncs[0] < copy_all < syncs[1]
    first, then = (dockerfile()[index][1].split() for index in syncs)
    assert "--no-install-project" in first and "--no-install-project" not in then
    # the same environment both times, or the second sync changes what the first cached
    assert [flag for flag in first if flag != "--no-install-project"] == then
    # uv's cache is a BuildKit cache mount where uv looks for it, never in a home folder
    cache = dockerfile_env()["UV_CACHE_DIR"]
    for index in syncs:
        assert dockerfile()[index][1].startswith(f"--mount=type=cache,target={cache} ")


def test_the_extras_the_image_installs_are_locked_and_celery_brings_the_provider():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    project = next(package for package in lock["package"] if package["name"] == "travel-hygiene")
    locked_names = {package["name"] for package in lock["package"]}
    extras = set(re.findall(r"--extra (\S+)", " ".join(a for k, a in dockerfile() if k == "RUN")))
    assert extras == {"postgres", "celery"}
    for extra in extras:
        assert extra in pyproject["project"]["optional-dependencies"]
        assert extra in project["optional-dependencies"], f"uv.lock lacks the extra {extra}"
    celery = " ".join(pyproject["project"]["optional-dependencies"]["celery"])
    assert "apache-airflow-providers-celery" in celery
    assert {"apache-airflow-providers-celery", "celery", "redis", "flower"} <= locked_names


def test_image_runs_as_the_non_root_airflow_user_with_the_official_uid():
    assert dockerfile()[0][0] == "FROM" and dockerfile()[0][1].startswith("python:3.11-slim")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == "==3.11.*"
    assert dockerfile_args()["AIRFLOW_UID"] == "50000"
    runs = " ".join(arguments for keyword, arguments in dockerfile() if keyword == "RUN")
    assert re.search(r'useradd --uid "\$\{AIRFLOW_UID\}" --gid 0 [^&]* airflow ', runs)
    assert dockerfile()[-1] == ("USER", "${AIRFLOW_UID}")
    build_uid = compose()["services"]["airflow-scheduler"]["build"]["args"]["AIRFLOW_UID"]
    assert build_uid == env_example()["AIRFLOW_UID"] == "50000"
    host_user = compose(filled_env(AIRFLOW_UID="1001"))["services"]["airflow-worker"]
    assert host_user["build"]["args"] == {"AIRFLOW_UID": "1001"}


def test_no_secret_reaches_the_image():
    baked = set(dockerfile_args()) | set(dockerfile_env())
    assert not baked & SECRETS
    text = DOCKERFILE.read_text()
    assert not any(name in text for name in SECRETS)
    for service in IMAGE_SERVICES:
        assert not set(raw_compose()["services"][service]["build"].get("args", {})) & SECRETS
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", ".env.*", ".git", ".venv/", "data/"} <= set(ignored)
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


# -- the settings ---------------------------------------------------------------------------------

def test_compose_passes_only_variables_the_product_knows():
    for service in IMAGE_SERVICES:
        passed = {name for name in environment(service) if name.startswith("HYGIENE_")}
        unknown = passed - set(PRODUCT_VARIABLES)
        assert not unknown, f"{service} passes {sorted(unknown)}, unknown to environment.py"


def test_compose_passes_every_variable_production_needs_to_every_airflow_service():
    needed = set(PRODUCT_VARIABLES) - NOT_NEEDED_IN_PRODUCTION
    for service in IMAGE_SERVICES:
        missing = needed - set(environment(service))
        assert not missing, f"{service} lacks {sorted(missing)}"


def test_required_secrets_have_no_default_and_an_unfilled_env_is_refused():
    text = COMPOSE_FILE.read_text()
    for name in SECRETS - OPTIONAL_SECRETS:
        assert f"${{{name}:?" in text and f"${{{name}:-" not in text, name
        unfilled = filled_env(**{name: ""})
        with pytest.raises(ComposeError, match=name):
            compose(unfilled)
    assert compose(filled_env())  # filled in, compose has all it needs


def test_env_example_names_every_setting_once_with_a_comment():
    names = [name for name, _, _ in env_entries()]
    assert len(names) == len(set(names)), "a setting named twice"
    compose_names = references(COMPOSE_FILE.read_text())
    missing = (set(PRODUCT_VARIABLES) | compose_names) - set(names)
    assert not missing, f".env.example lacks {sorted(missing)}"
    unread = set(names) - compose_names - READ_BY_COMPOSE
    assert not unread, f".env.example names {sorted(unread)}, which nothing reads"
    for name, _, comment in env_entries():
        assert len(comment) > 10, f"{name} has no comment"


def test_env_example_leaves_every_secret_empty_and_says_how_to_make_it():
    entries = {name: (value, comment) for name, value, comment in env_entries()}
    for name in SECRETS:
        value, comment = entries[name]
        assert value == "", f"{name} has a value in .env.example"
        assert comment.startswith("secret"), name
        if name not in OPTIONAL_SECRETS:
            assert "python3 -c '" in comment, f"{name}: no way to make one"


def test_env_example_values_are_the_defaults_compose_falls_back_to():
    """Copying .env.example changes nothing: each value is compose's own default for it."""
    example = env_example()
    for name, value in example.items():
        if name in SECRETS or name in READ_BY_COMPOSE:
            continue
        defaults = set(re.findall(rf"\$\{{{name}:-([^}}]*)\}}", COMPOSE_FILE.read_text()))
        assert defaults == {value}, f"{name}: .env.example {value!r}, compose {defaults}"


def test_env_example_keeps_the_products_defaults_except_container_paths_and_guards():
    example = env_example()
    for name, variable in PRODUCT_VARIABLES.items():
        if variable.secret:
            continue
        if name in DATA_MOUNTS:
            assert example[name] == "/" + variable.default  # data/landing -> /data/landing
        elif name in ENVIRONMENT_OVERRIDES.values():
            # a value would be reported as an override every night and hide policy changes
            assert example[name] == "", name
            assert variable.default in next(c for n, _, c in env_entries() if n == name)
        else:
            assert example[name] == variable.default, name


def test_the_product_reads_the_compose_environment_as_its_defaults():
    """The policy's guards stay the policy's (no override in the manifest); all mail tools."""
    from hygiene.csv_text import extract_encoding
    from hygiene.exports.formats import FORMATS, mail_tools_from_env

    env = environment("airflow-scheduler")
    policy = load_policy(POLICY_SEED, environ=env)
    assert policy.overrides == {}
    default = PRODUCT_VARIABLES["HYGIENE_DELETION_HOLD_SHARE"].default
    assert policy.deletion_hold_share == float(default)
    assert mail_tools_from_env(env) == tuple(FORMATS)
    assert extract_encoding(env) == "utf-8"
    overridden = load_policy(POLICY_SEED, environ=environment(
        "airflow-scheduler", filled_env(HYGIENE_DELETION_HOLD_SHARE="0.05")))
    assert overridden.overrides == {"deletion_hold_share": "HYGIENE_DELETION_HOLD_SHARE"}


def test_dbt_sensors_defer_and_a_triggerer_runs_them():
    assert environment("airflow-scheduler")["HYGIENE_DBT_SENSOR_MODE"] == "deferrable"
    assert PRODUCT_VARIABLES["HYGIENE_DBT_SENSOR_MODE"].default == "deferrable"
    assert "airflow-triggerer" in enabled_services(set())
    assert raw_compose()["services"]["airflow-triggerer"]["command"] == ["airflow", "triggerer"]


def test_timezone_execution_api_jwt_and_telemetry_are_set_for_every_airflow_service():
    apiserver = raw_compose()["services"]["airflow-apiserver"]
    container_port = int(apiserver["ports"][0].rsplit(":", 1)[1])
    telemetry = dict(re.findall(
        r"^export ((?:GX|DBT|DO|SCARF|AIRFLOW__COSMOS|AIRFLOW__USAGE)\w*) := (\S+)$",
        (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert len(telemetry) == 6
    for service in IMAGE_SERVICES:
        env = environment(service)
        assert env["AIRFLOW__CORE__DEFAULT_TIMEZONE"] == "Europe/Amsterdam"
        url = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
        assert url.hostname == "airflow-apiserver"
        assert (url.port, url.path) == (container_port, "/execution/")
        assert env["AIRFLOW__API_AUTH__JWT_SECRET"] == "test-airflow_jwt_secret"  # from .env
        assert {name: env[name] for name in telemetry} == telemetry


# -- the celery profile ---------------------------------------------------------------------------

def test_default_profile_starts_no_celery_service():
    default = enabled_services(set())
    assert default == {"postgres", "airflow-init", *DEFAULT_AIRFLOW_SERVICES}
    assert enabled_services({"celery"}) == default | CELERY_SERVICES
    assert "flower" in enabled_services({"celery", "flower"})


@pytest.mark.parametrize("profiles", [set(), {"celery"}, {"celery", "flower"}])
def test_every_required_dependency_is_started_in_each_profile(profiles):
    """What `docker compose up` checks: a service may need only services that are enabled."""
    enabled = enabled_services(profiles)
    for name in enabled:
        for dependency, condition in raw_compose()["services"][name].get("depends_on", {}).items():
            if condition.get("required", True):
                assert dependency in enabled, f"{name} needs {dependency}, off in {profiles}"


def test_celery_profile_runs_workers_on_redis_when_the_executor_says_so():
    services = raw_compose()["services"]
    assert services["airflow-worker"]["command"] == ["airflow", "celery", "worker"]
    assert services["airflow-worker"]["depends_on"]["redis"] == {"condition": "service_healthy"}
    env = environment("airflow-worker")
    assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    celery = environment("airflow-worker", filled_env(AIRFLOW__CORE__EXECUTOR="CeleryExecutor"))
    assert celery["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert celery["AIRFLOW__CELERY__RESULT_BACKEND"].startswith("db+postgresql://")


# -- the data folders -----------------------------------------------------------------------------

@pytest.mark.parametrize("env", [
    pytest.param({}, id="defaults"),
    pytest.param({"HYGIENE_OUTPUT_DIR": "/srv/hygiene/output", "HOST_OUTPUT_DIR": "/backup/out"},
                 id="moved"),
])
def test_data_folders_are_mounted_where_the_variables_point(env):
    settings = filled_env(**env)
    for service in IMAGE_SERVICES:
        variables, volumes = environment(service, settings), mounts(service, settings)
        for variable, host_variable in DATA_MOUNTS.items():
            path = variables[variable]
            assert path in volumes, f"{service}: nothing mounted at {variable}={path}"
            # a host folder the operator names: durable, never an anonymous or named volume
            assert volumes[path] == settings[host_variable]
            assert volumes[path].startswith(("./", "/"))
        assert volumes["/data/outbox"] == settings["HOST_OUTBOX_DIR"]  # HYGIENE_EXPORT_OUTBOX
