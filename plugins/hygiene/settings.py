"""Where a run reads and writes (CONTRACT.md "Running it"), read from the environment when asked."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from hygiene.errors import HygieneError

# The checkout: plugins/hygiene/settings.py → the repository root.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
POLICY_SEED = DBT_PROJECT_DIR / "seeds" / "retention_policy.csv"
# What the nightly `dbt build` leaves out: the unit tests (`unit_tests:` in the models' YAML)
# check the SQL on fixed inputs, so their result cannot change from night to night; they run
# in `make test` (tests/test_dbt_unit_tests.py), as dbt advises for production runs.
NIGHTLY_DBT_EXCLUDE = ["resource_type:unit_test"]


@dataclass(frozen=True)
class Settings:
    landing_root: Path  # $HYGIENE_LANDING_DIR: one folder per D
    output_root: Path  # $HYGIENE_OUTPUT_DIR: published runs and the state that outlives them
    warehouse: Path  # $HYGIENE_WAREHOUSE: the disposable DuckDB file

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing_root=_path("HYGIENE_LANDING_DIR", PROJECT_ROOT / "data" / "landing"),
            output_root=_path("HYGIENE_OUTPUT_DIR", PROJECT_ROOT / "data" / "output"),
            warehouse=_path("HYGIENE_WAREHOUSE", PROJECT_ROOT / "data" / "warehouse.duckdb"),
        )

    def landing(self, run_date: str) -> Path:
        return self.landing_root / run_date


def hash_key() -> bytes:
    """The secret key of M10's keyed hashes; it must be held outside the data."""
    key = os.environ.get("HYGIENE_HASH_KEY", "")
    if not key:
        raise HygieneError(
            "HYGIENE_HASH_KEY is not set: tombstones (M10) need a secret key held outside the "
            "data. Set it in the environment of the Airflow workers."
        )
    return key.encode()


def _path(variable: str, default: Path) -> Path:
    return Path(os.environ.get(variable) or default).resolve()
