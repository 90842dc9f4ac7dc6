"""The steps of one night, as plain functions of D (DESIGN.md "The flow of one night").

The DAG wires these together; each takes D as `YYYY-MM-DD` plus small, JSON-able results of
earlier steps (paths, counts, checksums: never rows), so each can be run and tested without
Airflow.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

from hygiene import guards, landing, load, publish
from hygiene.settings import PROJECT_ROOT, Settings

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def run_date_of(moment: datetime) -> str:
    """D: the date of the run's logical moment in Europe/Amsterdam (RULES.md "Terms")."""
    return moment.astimezone(AMSTERDAM).date().isoformat()


def verify_landing(run_date: str, settings: Settings) -> dict[str, dict]:
    """Checksums (G4) and announced row counts of the complete landing folder of D."""
    return {
        landed.file_name: {"sha256": landed.sha256, "announced_rows": landed.announced_rows}
        for landed in landing.verify_landing(settings.landing(run_date))
    }


def load_raw(run_date: str, settings: Settings) -> dict:
    """Load D's extracts and the state of the previous published run into a fresh warehouse.

    A run starts from its inputs alone: the disposable warehouse and whatever an earlier
    attempt of D left in its staging folder are discarded first.
    """
    if settings.warehouse.exists():
        settings.warehouse.unlink()
    publish.start_staging(settings.output_root, run_date)
    loaded = load.load_extracts(settings.landing(run_date), settings.warehouse)
    previous = publish.previous_run(settings.output_root, run_date)
    state = load.load_state(previous, settings.warehouse)
    return {
        "rows": {item.name: item.rows for item in loaded},
        "previous_run": previous.name if previous else None,
        "state_rows": state,
    }


def guard_deletions(run_date: str, settings: Settings, max_share: float) -> dict:
    """G2: decide whether today's deletion list is held for a person's approval."""
    history = guards.recent_contact_deletions(settings.output_root, before=run_date)
    return guards.decide_deletion_hold(settings.warehouse, max_share, history).as_dict()


def write_outputs(run_date: str, settings: Settings, hold: dict, previous_run: str | None) -> dict:
    """Write every list into D's staging folder; nothing is visible to readers yet."""
    folder = publish.staging_folder(settings.output_root, run_date)
    previous = settings.output_root / previous_run if previous_run else None
    rows = publish.write_lists(settings.warehouse, folder, previous, hold_deletions=hold["held"])
    return {"folder": str(folder), "rows": rows}


def publish_run(run_date: str, settings: Settings, manifest: dict) -> str:
    """Manifest last, then rename into place and move `latest` (G4, CONTRACT "Output")."""
    folder = publish.staging_folder(settings.output_root, run_date)
    manifest = {"run_date": run_date, "code_version": code_version(), **manifest}
    return str(publish.finalize(folder, settings.output_root, run_date, manifest))


def code_version() -> str:
    """The commit the code runs from (G4); the package version outside a git checkout."""
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("travel-hygiene")
        except PackageNotFoundError:
            return "unknown"


def check_raw(run_date: str, settings: Settings, landed: dict, loaded: dict) -> dict:
    """Suite `raw_extracts` against the manifest's and the previous run's row counts (G1)."""
    from hygiene import quality
    from hygiene.policy import load_policy
    from hygiene.settings import POLICY_SEED

    policy = load_policy(POLICY_SEED)
    announced = {
        name: item["announced_rows"]
        for name, item in landed.items()
        if item["announced_rows"] is not None
    }
    outcome = quality.run_suite(
        "raw_extracts",
        settings.warehouse,
        run_date,
        _results_folder(run_date, settings),
        manifest_rows=announced,
        previous_rows=_previous_input_rows(settings, loaded["previous_run"]),
        volume_band=policy.volume_band,
    )
    quality.enforce([outcome])
    return {"raw_extracts": outcome.summary()}


def check_marts(run_date: str, settings: Settings) -> dict:
    """Suites `consent_proof` (M4) and `marts` (the lists agree with each other and the rules)."""
    from hygiene import quality
    from hygiene.policy import load_policy
    from hygiene.settings import POLICY_SEED

    policy = load_policy(POLICY_SEED)
    results = _results_folder(run_date, settings)
    outcomes = [
        quality.run_suite(
            "consent_proof", settings.warehouse, run_date, results,
            max_unproven_share=policy.max_unproven_grant_share,
        ),
        quality.run_suite("marts", settings.warehouse, run_date, results),
    ]
    quality.enforce(outcomes)
    return {outcome.suite: outcome.summary() for outcome in outcomes}


def write_report(run_date: str, settings: Settings, checks: dict, hold: dict) -> str:
    """The privacy officer's report for D, into the staging folder."""
    from hygiene.policy import load_policy
    from hygiene.report import write_privacy_report
    from hygiene.settings import POLICY_SEED

    folder = publish.staging_folder(settings.output_root, run_date)
    path = write_privacy_report(
        settings.warehouse, folder, run_date, load_policy(POLICY_SEED), checks, hold
    )
    return str(path)


def run_manifest(landed: dict, loaded: dict, checks: dict, hold: dict, outputs: dict) -> dict:
    """What G4 asks every output to name, besides D and the code version added at publishing."""
    from hygiene.policy import load_policy
    from hygiene.settings import POLICY_SEED

    return {
        "policy_version": load_policy(POLICY_SEED).version,
        "inputs": {
            name: {"sha256": item["sha256"], "rows": loaded["rows"].get(name.removesuffix(".csv"))}
            for name, item in sorted(landed.items())
        },
        "state": {"previous_run": loaded["previous_run"], "rows": loaded["state_rows"]},
        "checks": checks,
        "deletion_hold": hold,
        "outputs": {"rows": outputs["rows"]},
    }


def _results_folder(run_date: str, settings: Settings):
    """Validation results and Data Docs are published with the run (under `quality/`)."""
    return publish.staging_folder(settings.output_root, run_date) / publish.VALIDATION_FOLDER


def _previous_input_rows(settings: Settings, previous_run: str | None) -> dict[str, int] | None:
    if previous_run is None:
        return None
    manifest = settings.output_root / previous_run / publish.MANIFEST_FILE
    inputs = json.loads(manifest.read_text()).get("inputs", {})
    return {name: item["rows"] for name, item in inputs.items() if item.get("rows") is not None}
