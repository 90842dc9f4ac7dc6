# syntax=docker/dockerfile:1
# The production image (docker-compose.yml runs every Airflow service from it): Airflow 3.3 with
# our DAGs, the hygiene package and the dbt project, installed from uv.lock as `make install`
# does, so production runs the environment CI tested. No secret is baked in: they come from
# .env through docker-compose.yml at run time (.dockerignore keeps .env out of the context).
# Debian bookworm pinned: the packages below, and WeasyPrint on its Pango, were checked there.
FROM python:3.11-slim-bookworm

# uv pinned at the Makefile's UV_VERSION: the same uv reads the same lock.
ARG UV_VERSION=0.13.9
# The uid of the `airflow` user: 50000 as in the official Airflow image. docker-compose.yml
# passes AIRFLOW_UID (the host user), so the files in the bind-mounted data folders are theirs.
ARG AIRFLOW_UID=50000

# Debian packages: curl for the compose health checks (the official file's commands); Pango,
# HarfBuzz and a font for WeasyPrint (the report's PDF), which loads them when imported.
# No git: the image has no .git, so the code version in run_manifest.json (G4) is the package
# version, which hygiene.nightly.code_version falls back to. Debian versions not pinned: the
# release is, and its security updates should come in with each build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==${UV_VERSION}" \
    && useradd --uid "${AIRFLOW_UID}" --gid 0 --create-home --home-dir /home/airflow airflow \
    && install -d -o airflow -g 0 -m 0750 /opt/airflow /opt/airflow/logs \
    && install -d -o airflow -g 0 -m 0700 /opt/airflow/auth

# The system Python (never a download), bytecode compiled once here rather than at each start.
# uv's download cache lives in a BuildKit cache mount at UV_CACHE_DIR, outside the image's layers.
ENV UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_CACHE_DIR=/var/cache/uv
WORKDIR /opt/hygiene

# The locked dependencies first, from pyproject.toml and uv.lock alone, so that this slow layer
# is rebuilt only when they change. --frozen: exactly uv.lock, never re-resolved. Extras:
# postgres (the metadata DB) and celery (the CeleryExecutor profile of docker-compose.yml).
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/var/cache/uv \
    uv sync --frozen --no-dev --extra postgres --extra celery --no-install-project

# Then the project itself, installed editable as in a checkout: hygiene.settings finds
# dbt_project/ and expectations/ beside plugins/. Owned by root: the code is read-only at run time.
COPY . .
RUN --mount=type=cache,target=/var/cache/uv \
    uv sync --frozen --no-dev --extra postgres --extra celery

# dbt's documentation of the rules, which the UI serves (hygiene.ui): built with the code.
RUN .venv/bin/hygiene dbt-docs

# The venv first on PATH (`airflow`, `dbt`, `hygiene`); Airflow's home (its logs, the UI's
# password file) on volumes that docker-compose.yml mounts; our DAGs and plugins from the image.
ENV PATH=/opt/hygiene/.venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/hygiene/dags \
    AIRFLOW__CORE__PLUGINS_FOLDER=/opt/hygiene/plugins \
    PYTHONUNBUFFERED=1

# Numeric, as the official image: a runtime can see it is not root.
USER ${AIRFLOW_UID}
