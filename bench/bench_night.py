"""Wall time and peak memory of each step of one night at a million contacts (a measurement, not a test).

PYTHONPATH=plugins .venv/bin/python bench/bench_night.py [--contacts N] [--date D] [--keep DIR]

In a temporary folder: generates D's extracts, then runs the night's steps in the DAG's order
(dags/retention_nightly.py) by calling the same functions its tasks call (hygiene.nightly), with
`dbt build` as a subprocess the way Cosmos runs it. The output folder starts empty, so this is a
first night (no previous run, no state). A step that fails (a quality gate, a dbt test) is marked
in the table and the night goes on, so every step is measured.

Peak RSS of an in-process step is the process's high-water mark (VmHWM), reset before the step
through /proc/self/clear_refs; it includes what the process already held (the "base" line).
Peak RSS of dbt is that of the subprocess (and its children), from wait4(2).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
sys.path.insert(0, str(PLUGINS))

# A privacy product sends nothing home (as the Makefile exports them), also when run directly.
for _name, _value in {
    "GX_ANALYTICS_ENABLED": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
}.items():
    os.environ.setdefault(_name, _value)

from hygiene import nightly
from hygiene.attempts import Attempt
from hygiene.generate import generate_landing
from hygiene.load import connect
from hygiene.settings import (
    DBT_PROJECT_DIR,
    NIGHTLY_DBT_ENV,
    Settings,
    nightly_dbt_build,
)

RUN_DATE = date(2025, 3, 14)
BENCH_HASH_KEY = "bench-only-key-not-a-secret"
os.environ.setdefault("HYGIENE_HASH_KEY", BENCH_HASH_KEY)  # the night's steps and dbt alike
# Targets (printed beside the results, not asserted).
NIGHT_TARGET_SECONDS = 30 * 60
STEP_TARGET_SECONDS = 120  # "a dbt model > 2 min is unreasonably slow"
MEMORY_TARGET_BYTES = 12 * 2**30
SLOWEST_NODES = 10


@dataclass
class Step:
    name: str
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    # of which in the kernel (system time): finding and clearing pages for memory and for files
    # written, which on a virtual machine that hands freed memory back to its host varies most
    # from hour to hour (docs/decisions.md, 72)
    kernel_seconds: float = 0.0
    peak_rss: int | None = None  # bytes
    rows: int | None = None
    note: str = ""
    ok: bool = True
    in_night: bool = True


@dataclass
class Night:
    steps: list[Step] = field(default_factory=list)
    base_rss: int = 0


# ------------------------------------------------------------------------------ measuring


def _status_kib(key: str) -> int:
    match = re.search(rf"^{key}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(match.group(1)) if match else 0


def _reset_peak() -> bool:
    """Reset this process's VmHWM to its current RSS (Linux >= 4.0); False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _self_cpu() -> tuple[float, float]:
    """CPU seconds of this process so far, and of them in the kernel."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime


def measure_in_process(night: Night, name: str, action: Callable[[], Any],
                       rows: Callable[[Any], int | None] = lambda _: None,
                       note: Callable[[Any], str] = lambda _: "",
                       in_night: bool = True) -> Any:
    """Run `action` in this process; record wall, CPU and the peak RSS during it."""
    step = Step(name, in_night=in_night)
    resettable = _reset_peak()
    cpu = _self_cpu()
    started = time.perf_counter()
    result = None
    try:
        result = action()
    except Exception as error:  # noqa: BLE001 - a failed gate is a result of the bench
        step.ok = False
        step.note = f"FAILED: {type(error).__name__}: {_first_line(error)}"
    step.seconds = time.perf_counter() - started
    cpu_after = _self_cpu()
    step.cpu_seconds, step.kernel_seconds = cpu_after[0] - cpu[0], cpu_after[1] - cpu[1]
    step.peak_rss = _status_kib("VmHWM") * 1024 if resettable else None
    if step.ok:
        try:
            step.rows = rows(result)
            step.note = note(result)
        except Exception as error:  # noqa: BLE001
            step.note = f"(rows not counted: {error})"
    night.steps.append(step)
    print(f"  {name:16} {step.seconds:9.1f} s  {_gib(step.peak_rss)}  {step.note}", flush=True)
    return result


def measure_dbt(night: Night, run_date: str, attempt: Attempt, scratch: Path) -> Step:
    """`dbt build` as Cosmos runs it: a subprocess in dbt_project, the warehouse and key in env,
    without the unit tests (NIGHTLY_DBT_EXCLUDE), its working tables in memory (NIGHTLY_DBT_ENV)."""
    target = scratch / "dbt_target"
    logs = scratch / "dbt_logs"
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt if dbt.exists() else shutil.which("dbt") or "dbt"),
        *nightly_dbt_build(run_date, target, logs),
    ]
    environment = {
        **os.environ,
        **NIGHTLY_DBT_ENV,
        "HYGIENE_WAREHOUSE": str(attempt.warehouse),
        "HYGIENE_HASH_KEY": os.environ.get("HYGIENE_HASH_KEY") or BENCH_HASH_KEY,
        "PYTHONPATH": os.pathsep.join(
            [str(PLUGINS), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    step = Step("dbt build")
    output = scratch / "dbt_stdout.log"
    started = time.perf_counter()
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=DBT_PROJECT_DIR, env=environment, stdout=sink, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    step.seconds = time.perf_counter() - started
    step.cpu_seconds = usage.ru_utime + usage.ru_stime
    step.kernel_seconds = usage.ru_stime
    step.peak_rss = usage.ru_maxrss * 1024  # KiB on Linux
    results = _run_results(target)
    counts: dict[str, int] = {}
    for result in results:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    step.ok = process.returncode == 0
    step.note = ("" if step.ok else f"FAILED (exit {process.returncode}, see {output}): ") + (
        ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    )
    if not step.ok:
        print(output.read_text(errors="replace")[-3000:], flush=True)
    try:
        step.rows = sum(_mart_rows(attempt.warehouse).values())
    except Exception as error:  # noqa: BLE001
        step.note += f" (marts not counted: {error})"
    night.steps.append(step)
    print(f"  {step.name:16} {step.seconds:9.1f} s  {_gib(step.peak_rss)}  {step.note}", flush=True)
    return step


def _run_results(target: Path) -> list[dict]:
    path = target / "run_results.json"
    return json.loads(path.read_text())["results"] if path.is_file() else []


def _mart_rows(warehouse: Path) -> dict[str, int]:
    with connect(warehouse, read_only=True) as connection:
        tables = connection.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'marts' and table_type = 'BASE TABLE' order by table_name"
        ).fetchall()
        return {
            name: connection.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            for (name,) in tables
        }


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:160] if text else ""


# ------------------------------------------------------------------------------ the night


def run_night(
    contacts: int, run_date: str, scratch: Path, generate: bool = True
) -> tuple[Night, Path]:
    night = Night(base_rss=_status_kib("VmRSS") * 1024)
    settings = Settings(
        landing_root=scratch / "landing",
        output_root=scratch / "output",
        warehouse_dir=scratch / "warehouse",
    )
    attempt = Attempt(settings, run_date, "bench")
    print(f"night of {run_date} at {contacts:,} contacts in {scratch}", flush=True)

    if generate:
        generated = measure_in_process(
            night, "generate",
            lambda: generate_landing(settings.landing(run_date), date.fromisoformat(run_date), contacts),
            rows=lambda g: sum(g.rows_by_file().values()),
            note=lambda g: f"{_folder_mb(g.folder):,.0f} MB of CSV (not part of the night)",
            in_night=False,
        )
        if generated is None:
            return night, attempt.warehouse

    landed = measure_in_process(
        night, "verify_landing", lambda: nightly.verify_landing(attempt),
        rows=lambda r: sum(item["announced_rows"] or 0 for item in r.values()),
        note=lambda r: f"{len(r)} files checksummed",
    )
    loaded = measure_in_process(
        night, "load_raw", lambda: nightly.load_raw(attempt),
        rows=lambda r: sum(r["rows"].values()) + sum(r["state_rows"].values()),
        note=lambda r: f"{_megabytes(attempt.warehouse):,.0f} MB warehouse",
    )
    if landed is None or loaded is None:
        return night, attempt.warehouse

    # The DAG's order: check_raw >> rules (dbt) >> check_marts >> guard_deletions.
    checks_raw = measure_in_process(
        night, "check_raw", lambda: nightly.check_raw(attempt, landed, loaded),
        rows=lambda _: sum(loaded["rows"].values()), note=_checks_note,
    )
    dbt = measure_dbt(night, run_date, attempt, scratch)
    checks_marts = measure_in_process(
        night, "check_marts", lambda: nightly.check_marts(attempt),
        rows=lambda _: dbt.rows, note=_checks_note,
    )
    hold = measure_in_process(
        night, "guard_deletions",
        lambda: nightly.guard_deletions(attempt),
        rows=lambda h: h["contact_deletions"],
        note=lambda h: f"contact deletions; held={h['held']}",
    )
    if hold is None:
        return night, attempt.warehouse
    outputs = measure_in_process(
        night, "write_outputs",
        lambda: nightly.write_outputs(attempt, hold, loaded),
        rows=lambda o: sum(o["rows"].values()),
        note=lambda o: f"{len(o['rows'])} files, {_folder_mb(attempt.staging):,.0f} MB",
    )
    # A failed gate leaves no summary; the report and the manifest still get one to render.
    checks = {
        **(checks_raw or {"raw_extracts": {"success": False}}),
        **(checks_marts or {"consent_proof": {"success": False}, "marts": {"success": False}}),
    }
    measure_in_process(
        night, "write_report", lambda: nightly.write_report(attempt, landed, checks, hold, loaded),
        note=lambda path: f"{Path(path).stat().st_size / 1e3:,.0f} kB html",
    )
    if outputs is not None:
        manifest = nightly.run_manifest(landed, loaded, checks, hold, outputs)
        measure_in_process(
            night, "publish_run", lambda: nightly.publish_run(attempt, manifest),
            rows=lambda _: None, note=lambda extra: f"published {extra['run_date']}",
        )
    _print_slowest_nodes(scratch / "dbt_target")
    return night, attempt.warehouse


def _checks_note(summaries: dict) -> str:
    return "; ".join(
        f"{suite} {s['passed']}/{s['checks']} passed" for suite, s in summaries.items()
    )


def _folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def _megabytes(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


# ------------------------------------------------------------------------------ printing


def _gib(value: int | None) -> str:
    return f"{value / 2**30:6.2f} GiB" if value is not None else "     n/a  "


def slowest_nodes(target: Path) -> list[tuple[str, float]]:
    """(node, seconds) of dbt's run_results.json, slowest first."""
    results = sorted(_run_results(target), key=lambda r: r["execution_time"], reverse=True)
    return [(r["unique_id"].split(".", 2)[-1], r["execution_time"]) for r in results]


def _print_slowest_nodes(target: Path) -> None:
    results = sorted(_run_results(target), key=lambda r: r["execution_time"], reverse=True)
    if not results:
        print("\nno dbt run_results.json", flush=True)
        return
    print(f"\n{SLOWEST_NODES} slowest dbt nodes (of {len(results)}; target/run_results.json)")
    print(f"  {'seconds':>8}  {'status':7} {'rows':>11}  node")
    for result in results[:SLOWEST_NODES]:
        affected = (result.get("adapter_response") or {}).get("rows_affected")
        shown = f"{affected:,}" if isinstance(affected, int) and affected >= 0 else ""
        print(f"  {result['execution_time']:8.1f}  {result['status']:7} {shown:>11}  "
              f"{result['unique_id']}")
    slow = [r for r in results if r["execution_time"] > STEP_TARGET_SECONDS]
    print(f"  nodes over {STEP_TARGET_SECONDS} s: {len(slow)}", flush=True)


def print_table(night: Night, contacts: int) -> None:
    print(f"\nnight at {contacts:,} contacts  (base RSS of this process before the night: "
          f"{night.base_rss / 2**30:.2f} GiB)")
    header = (f"  {'step':16} {'wall s':>9} {'cpu s':>9} {'kernel s':>9} {'peak RSS':>10}"
              f"  {'rows':>12}  note")
    print(header)
    print("  " + "-" * (len(header) + 30))
    for step in night.steps:
        rows = f"{step.rows:,}" if step.rows is not None else ""
        print(f"  {step.name:16} {step.seconds:9.1f} {step.cpu_seconds:9.1f}"
              f" {step.kernel_seconds:9.1f} {_gib(step.peak_rss)}  {rows:>12}  {step.note}")
    in_night = [s for s in night.steps if s.in_night]
    total = sum(s.seconds for s in in_night)
    peak = max((s.peak_rss or 0 for s in in_night), default=0)
    print("  " + "-" * (len(header) + 30))
    print(f"  {'night (no gen.)':16} {total:9.1f} {sum(s.cpu_seconds for s in in_night):9.1f}"
          f" {sum(s.kernel_seconds for s in in_night):9.1f} {_gib(peak)}")
    failed = [s.name for s in night.steps if not s.ok]
    print("\ntargets (not asserted):")
    print(f"  whole night well under {NIGHT_TARGET_SECONDS / 60:.0f} min at 1,000,000 contacts:"
          f" {total / 60:.1f} min{f' (at {contacts:,} contacts)' if contacts != 1_000_000 else ''}"
          f" -> {'ok' if total < NIGHT_TARGET_SECONDS / 2 else 'LOOK'}")
    print(f"  no step over {STEP_TARGET_SECONDS} s except dbt as a whole:"
          f" {', '.join(s.name for s in in_night if s.seconds > STEP_TARGET_SECONDS and s.name != 'dbt build') or 'ok'}")
    print(f"  peak RSS of any step under {MEMORY_TARGET_BYTES / 2**30:.0f} GiB: {_gib(peak).strip()}"
          f" -> {'ok' if peak < MEMORY_TARGET_BYTES else 'LOOK'}")
    print(f"  every step passed: {'yes' if not failed else 'NO: ' + ', '.join(failed)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--date", default=RUN_DATE.isoformat(), help="D (default %(default)s)")
    parser.add_argument("--keep", type=Path,
                        help="work in this folder and keep it (default: a temporary one, removed)")
    args = parser.parse_args()
    date.fromisoformat(args.date)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        night, _ = run_night(args.contacts, args.date, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="bench_night_") as scratch:
            try:
                night, _ = run_night(args.contacts, args.date, Path(scratch))
            except Exception:  # noqa: BLE001 - print it before the scratch folder goes
                traceback.print_exc()
                return 1
    print_table(night, args.contacts)
    return 0 if all(s.ok for s in night.steps) else 1


if __name__ == "__main__":
    raise SystemExit(main())
