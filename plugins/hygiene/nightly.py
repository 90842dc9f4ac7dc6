"""The steps of one night, as plain functions of an attempt at D (DESIGN.md "The flow of one night").

The DAG wires these together; each takes the Attempt (D and the Airflow run id that names it)
plus small, JSON-able results of earlier steps (paths, counts, checksums: never rows), so each
can be run and tested without Airflow.
"""

from __future__ import annotations

import subprocess

from hygiene import guards, landing, load, publish, state
from hygiene.assets import published_extra
from hygiene.attempts import Attempt
from hygiene.errors import HygieneError, PublishError, SettingsError
from hygiene.exports.write import write_mail_tool_exports
from hygiene.publish import DEGRADED, HELD, PUBLISHED, layout
from hygiene.settings import PROJECT_ROOT


def verify_landing(attempt: Attempt) -> dict[str, dict]:
    """Start the attempt; checksums (G4) and announced row counts of D's landing folder."""
    attempt.start()
    return {
        landed.file_name: {"sha256": landed.sha256, "announced_rows": landed.announced_rows}
        for landed in landing.verify_landing(attempt.settings.landing(attempt.run_date))
    }


def load_raw(attempt: Attempt) -> dict:
    """Load D's extracts and the state after the previous published run into the attempt's own
    warehouse, starting from an empty one (a retried task starts from its inputs alone)."""
    settings, run_date = attempt.settings, attempt.run_date
    attempt.warehouse.unlink(missing_ok=True)
    loaded = load.load_extracts(settings.landing(run_date), attempt.warehouse)
    previous = layout.previous_run(settings.output_root, run_date)
    state_rows = state.load_state(settings.output_root, previous, attempt.warehouse, run_date)
    return {
        "warehouse": str(attempt.warehouse),
        "rows": {item.name: item.rows for item in loaded},
        "extracts": {f"{item.name}.csv": item.report() for item in loaded},
        "previous_run": previous.name if previous else None,
        "state_rows": state_rows,
    }


def check_raw(attempt: Attempt, landed: dict, loaded: dict) -> dict:
    """Suite `raw_extracts` against the manifest's and the previous run's row counts (G1)."""
    from hygiene import quality
    from hygiene.policy import current_policy

    # the manifest counts every row of a file, also the unsubscribes the loader skipped as
    # unusable (CONTRACT.md): they were there, so they are subtracted, not missing
    announced = {
        name: item["announced_rows"] - loaded["extracts"][name]["skipped_rows"]["count"]
        for name, item in landed.items()
        if item["announced_rows"] is not None and name in loaded["extracts"]
    }
    outcome = quality.run_suite(
        "raw_extracts",
        attempt.warehouse,
        attempt.run_date,
        attempt.staging / publish.VALIDATION_FOLDER,
        manifest_rows=announced,
        previous_rows=_previous_input_rows(attempt),
        volume_band=current_policy().volume_band,
    )
    quality.enforce([outcome])
    return {"raw_extracts": outcome.summary()}


def check_marts(attempt: Attempt) -> dict:
    """Suites `consent_proof` (M4) and `marts` (the lists agree with each other and the rules)."""
    from hygiene import quality
    from hygiene.policy import current_policy

    results = attempt.staging / publish.VALIDATION_FOLDER
    outcomes = [
        quality.run_suite(
            "consent_proof", attempt.warehouse, attempt.run_date, results,
            max_unproven_share=current_policy().max_unproven_grant_share,
        ),
        quality.run_suite("marts", attempt.warehouse, attempt.run_date, results),
    ]
    quality.enforce(outcomes)
    return {outcome.suite: outcome.summary() for outcome in outcomes}


def guard_deletions(attempt: Attempt) -> dict:
    """G2: decide whether today's deletion list is held for a person's approval."""
    from hygiene.policy import current_policy

    output_root = attempt.settings.output_root
    previous = layout.previous_run(output_root, attempt.run_date)
    snapshot = state.snapshot_of(output_root, previous.name) if previous else None
    history = guards.recent_contact_deletions(state.recent_runs(snapshot))
    hold = guards.decide_deletion_hold(
        attempt.warehouse, current_policy().deletion_hold_share, history
    )
    return hold.as_dict()


def write_outputs(attempt: Attempt, hold: dict, loaded: dict) -> dict:
    """Write every list, the review files and the state after D into the staging folder;
    nothing is visible to readers yet."""
    folder = attempt.staging
    previous = attempt.settings.output_root / loaded["previous_run"] if loaded["previous_run"] else None
    rows = publish.write_lists(attempt.warehouse, folder, previous, hold_deletions=hold["held"])
    rows.update(write_mail_tool_exports(folder))
    rows.update(_write_review_files(attempt))
    night = {
        "run_date": attempt.run_date,
        "status": HELD if hold["held"] else PUBLISHED,
        "contacts": hold["contacts"],
        "contact_deletions": hold["contact_deletions"],
        "suppressed": rows[publish.lists.SUPPRESSION_LIST.file],
        "eligible": rows[publish.lists.ELIGIBILITY_LIST.file],
    }
    state_rows = state.stage_state(
        attempt.warehouse, folder / publish.STATE_FOLDER, previous, night,
        deletions_held=hold["held"],
    )
    return {"rows": rows, "state_rows": state_rows, "status": night["status"]}


def _write_review_files(attempt: Attempt) -> dict[str, int]:
    """Owner-only files of ids a person works through (G3: overdue deletions; M4: grants without
    proof); the report shows their counts only."""
    folder = attempt.staging
    reviews = publish.lists.REVIEW_FILES
    publish.lists.make_subfolders(folder, [review.file for review in reviews])
    with load.connect(attempt.warehouse, read_only=True) as connection:
        return {
            review.file: publish.lists.copy_query(connection, review.query, folder / review.file)
            for review in reviews
        }


def write_report(attempt: Attempt, landed: dict, checks: dict, hold: dict, loaded: dict) -> str:
    """The privacy officer's report for D (HTML and PDF) and a page per data-quality suite, into
    the staging folder, after the lists (it compares them with the previous run's)."""
    from hygiene.policy import current_policy
    from hygiene.report import Night, collect_facts, write_quality_pages, write_report

    output_root = attempt.settings.output_root
    previous = output_root / loaded["previous_run"] if loaded["previous_run"] else None
    snapshot = state.snapshot_of(output_root, previous.name) if previous else None
    facts = collect_facts(Night(
        warehouse=attempt.warehouse,
        folder=attempt.staging,
        run_date=attempt.run_date,
        policy=current_policy(),
        code_version=code_version(),
        inputs=input_facts(landed, loaded),
        extracts=loaded["extracts"],
        checks=checks,
        hold=hold,
        previous=previous,
        earlier_nights=state.recent_runs(snapshot),
    ))
    report = write_report(attempt.staging, facts)
    write_quality_pages(attempt.staging, attempt.run_date, facts["language"])
    return str(report)


def input_facts(landed: dict, loaded: dict) -> dict[str, dict]:
    """Each extract's checksum and loaded rows (G4), for the manifest and the report."""
    return {
        name: {"sha256": item["sha256"], "rows": loaded["rows"].get(name.removesuffix(".csv"))}
        for name, item in sorted(landed.items())
    }


def run_manifest(landed: dict, loaded: dict, checks: dict, hold: dict, outputs: dict) -> dict:
    """What G4 asks every output to name, besides D and the code version added at publishing."""
    from hygiene.policy import current_policy

    policy = current_policy()
    return {
        "status": outputs["status"],
        "policy_version": policy.version,
        # operator settings that overrode the policy's guards this night (CONTRACT.md "Settings")
        "policy_overrides": dict(policy.overrides),
        "inputs": input_facts(landed, loaded),
        "extracts": loaded["extracts"],
        "state": {
            "previous_run": loaded["previous_run"],
            "read": loaded["state_rows"],
            "written": outputs["state_rows"],
        },
        "checks": checks,
        "deletion_hold": hold,
        "outputs": {"rows": outputs["rows"]},
    }


def publish_run(attempt: Attempt, manifest: dict) -> dict:
    """Manifest last, then swap the run and its state into place and move `latest` (G4,
    CONTRACT "Output"); then prune what old runs no longer need to keep (G6). Returns what the
    published Assets' events carry (hygiene.assets.published_extra)."""
    from hygiene.policy import current_policy
    from hygiene.publish.prune import prune_published_runs

    settings = attempt.settings
    manifest = {"run_date": attempt.run_date, "code_version": code_version(), **manifest}
    published = publish.release(attempt.staging, settings.output_root, attempt.run_date, manifest)
    pruned = prune_published_runs(settings.output_root, attempt.run_date, current_policy())
    attempt.record(outcome=manifest["status"], published=str(published), pruned=pruned)
    attempt.finish()
    return published_extra(manifest, str(published))


class NightFailed(HygieneError):
    """The night failed; what was published instead (a degraded D, or nothing) is said."""


class NightStopped(HygieneError):
    """The night was stopped: a signal to `make run` (hygiene.stopping), or Ctrl+C."""


def record_failure(attempt: Attempt, task_id: str, error: BaseException | None) -> None:
    """Note in the attempt's journal which task failed first and why. Our own errors are
    sentences without personal data (HygieneError); of any other error only its kind is kept,
    since its text may quote a value (a conversion error of dbt or DuckDB does)."""
    if attempt.read_journal().get("failed_task"):
        return  # the first failure is the cause; later ones (publish_degraded) follow from it
    if isinstance(error, KeyboardInterrupt):
        # the task was interrupted as Ctrl+C does: by `make run`'s stop (hygiene.stopping), or by
        # Ctrl+C on a terminal running Airflow itself (`make ui`)
        error = NightStopped("the night was interrupted (a stop of make run, or Ctrl+C)")
    if isinstance(error, HygieneError):
        message = str(error)
    else:
        kind = type(error).__name__ if error is not None else "an error"
        message = f"{kind}; the log of task {task_id} says more"
    # a bad setting fails the first task that reads it, whatever that task does: the report
    # then names the setting, not the extracts, as what to repair; a stopped night neither
    cause = ("setting" if isinstance(error, SettingsError)
             else "stopped" if isinstance(error, NightStopped) else None)
    attempt.record(failed_task=task_id, failure=message, failure_cause=cause)


def publish_degraded(attempt: Attempt) -> dict | None:
    """G5 after a failure: publish a degraded D and return what its Assets' events carry, or
    None when nothing was published (nothing could be read, or a good run of D is published
    already: then the previous lists stay). The journal records how the attempt ended."""
    from hygiene.degraded import publish_degraded as degrade
    from hygiene.policy import current_policy
    from hygiene.publish.prune import prune_published_runs

    journal = attempt.read_journal()
    failure = {"task": journal.get("failed_task"), "message": journal.get("failure"),
               "cause": journal.get("failure_cause")}
    try:
        published = degrade(attempt, failure)
    except PublishError as refused:
        # `degraded` is a clause the closing line and NightFailed each end with one period
        attempt.record(outcome="failed", degraded=str(refused).rstrip("."))
        return None
    if published is None:
        attempt.record(outcome="failed", degraded="nothing could be read; the previous lists stay")
        return None
    prune_published_runs(attempt.settings.output_root, attempt.run_date, current_policy())
    attempt.record(outcome=DEGRADED, published=str(published))
    attempt.finish()
    return published_extra(publish.read_manifest(published), str(published))


def publish_degraded_after_stop(attempt: Attempt, task_id: str, signal_name: str) -> dict | None:
    """G5 for an unfinished attempt that a signal to `make run` stopped (hygiene.stopped_night):
    the failure is recorded as a stop, then the degraded D is published as after any failure.
    Returns what its Assets' events carry, as publish_degraded does."""
    record_failure(attempt, task_id, NightStopped(f"make run was stopped by {signal_name}"))
    return publish_degraded(attempt)


def night_result(attempt: Attempt) -> str:
    """The night's verdict, last: raise NightFailed saying which task failed first and what
    was published instead, so that the run ends failed; else the night's status."""
    journal = attempt.read_journal()
    if not journal.get("failed_task"):
        return journal.get("outcome", "published")
    task = journal["failed_task"]
    cause = f"The night of {attempt.run_date} failed in task {task}"
    if journal.get("outcome") == DEGRADED:
        raise NightFailed(
            f"{cause}. A degraded {attempt.run_date} was published (G5): the previous "
            f"suppression list plus the night's objections, no deletion list "
            f"({journal['published']}). Repair what {task} names and rerun {attempt.run_date}."
        )
    raise NightFailed(f"{cause}; {journal.get('degraded') or 'nothing was published'}.")


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


def _previous_input_rows(attempt: Attempt) -> dict[str, int] | None:
    """Rows per extract of the last good run before D (a degraded night loaded nothing), the base
    of the volume check (G1); None without one."""
    output_root = attempt.settings.output_root
    day = publish.last_full_run(output_root, attempt.run_date)
    if day is None:
        return None
    inputs = publish.read_manifest(output_root / day).get("inputs", {})
    return {name: item["rows"] for name, item in inputs.items() if item.get("rows") is not None}
