"""Data-quality gates of the nightly run, with Great Expectations (GX Core 1.x).

Three suites, stored as reviewable JSON in `expectations/`:

- `raw_extracts` (after loading, G1): per extract of extracts.py, required columns present and
  filled, keys unique, accepted values, row count equal to the manifest and within the volume
  band of the previous run;
- `consent_proof` (M4): every grant a consent decision rests on has proof, and the share of
  grants without proof stays under the policy's threshold;
- `marts` (before publishing): the lists agree with each other and with the rules (M2, M5, M9,
  R1, R2, the address hashes, accepted values).

    outcome = run_suite("marts", warehouse, "2025-06-01", results_dir)
    enforce([outcome])           # raises QualityGateFailed on a failed critical check
    manifest["checks"]["marts"] = outcome.summary()

Importing this package does not import GX (Airflow parses DAG files often); `run_suite` does.
Results carry counts and row numbers, never values from the data. GX's Data Docs are not built
(they load scripts from CDNs): the report renders `quality/<suite>.json` into pages of its own.
"""

from hygiene.quality.outcome import (
    CheckResult,
    QualityGateFailed,
    SkippedCheck,
    SuiteOutcome,
    enforce,
)
from hygiene.quality.runner import run_suite
from hygiene.quality.suites import SUITE_NAMES

__all__ = [
    "SUITE_NAMES",
    "CheckResult",
    "QualityGateFailed",
    "SkippedCheck",
    "SuiteOutcome",
    "enforce",
    "run_suite",
]
