"""`make bench`: a night at several sizes, end to end and step by step, against the I/O floor.

    .venv/bin/python bench/bench.py [--sizes 100000,1000000] [--with-10m] [--out bench/results.md]

For each size N (contacts; about 2 N bookings and 3 N consent events), in a scratch folder:

1. the generator writes D's extracts (not part of the night);
2. the **I/O floor**: DuckDB reads the same extracts once and writes files of the published
   night's size once; what any night must at least cost on this machine;
3. the **data work**, step by step, without Airflow (bench_night.py: the DAG's step functions in
   order, dbt as the subprocess Cosmos runs), in a new process for each size as a night is,
   with rows per second and CPU seconds per step, and how many of those the kernel spent
   (finding and clearing pages);
4. **`make run` itself** (`hygiene run`: `airflow dags test`, Airflow included) on the same
   extracts, wall time and peak RSS of the whole run;
5. the published night's size against the extracts', and `explain` of one address;
6. the share of CPU time the hypervisor stole meanwhile (/proc/stat), and a **speed
   reference** before and after: the same fixed work each time, CPU only (DuckDB sorting and
   grouping text, Python formatting strings). On a shared virtual machine the same code runs
   at different speeds from hour to hour, mostly without stolen time; the floor is mostly the
   disk, while the night keeps both cores busy, so the reference says better how far one run's
   seconds compare with another's.

It prints the tables and writes them to `--out` between the markers of its generated part, so
that the hand-written before/after table above them stays. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "bench")]

import bench_night
import duckdb

from hygiene.exports.formats import EXPORTS_FOLDER
from hygiene.generate import generate_landing
from hygiene.publish import lists

RUN_DATE = date(2025, 3, 14)
BEGIN, END = "<!-- make bench: begin -->", "<!-- make bench: end -->"
EXTRACTS = ("crm_contacts.csv", "bookings.csv", "consent_events.csv", "mailtool_unsubscribes.csv")


@dataclass
class Size:
    contacts: int
    extract_rows: int = 0
    extract_bytes: int = 0
    generate_seconds: float = 0.0
    floor_seconds: float = 0.0
    steps: list = field(default_factory=list)
    data_work_seconds: float = 0.0
    run_seconds: float = 0.0
    run_peak_rss: int = 0
    run_ok: bool = False
    published_bytes: int = 0
    published_files: dict = field(default_factory=dict)
    explain_seconds: float | None = None
    slowest_nodes: list = field(default_factory=list)
    cpu_steal: float | None = None  # share of CPU time the hypervisor gave to others meanwhile
    speed_seconds: tuple[float, float] = (0.0, 0.0)  # speed_reference() before and after

    @property
    def failed_step(self) -> str | None:
        """The first step of the data work that failed at this size, if any."""
        return next((step.name for step in self.steps if not step.ok), None)


# What CONTRACT.md "Output" asks a night to publish as plain files, whatever the product does: the
# lists (a held deletion list is the day's list, kept for review) and the mail-tool exports.
CONTRACT_LISTS = (lists.SUPPRESSION_LIST.file, lists.HASHED_LIST, lists.DELTA_LIST,
                  lists.ELIGIBILITY_LIST.file, lists.DELETION_LIST.file,
                  str(lists.HELD_DELETION_LIST))


def contract_bytes(published_files: dict[str, int]) -> int:
    return sum(size for name, size in published_files.items()
               if name in CONTRACT_LISTS or name.startswith(f"{EXPORTS_FOLDER}/"))


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def io_floor(landing: Path, scratch: Path, published_bytes: int) -> float:
    """DuckDB reads every extract once and writes the published night's bytes once."""
    started = time.perf_counter()
    with duckdb.connect() as connection:
        for name in EXTRACTS:
            if (landing / name).is_file():
                connection.execute(f"select count(*) from read_csv('{landing / name}', all_varchar = true)")
        rows = max(published_bytes // 100, 1)  # lines of about a hundred bytes, as the lists
        connection.execute(
            f"copy (select repeat('x', 96) || lpad(i::varchar, 3, '0') as line from range({rows}) t(i))"
            f" to '{scratch / 'floor.csv'}' (header false)"
        )
    (scratch / "floor.csv").unlink()
    return time.perf_counter() - started


def speed_reference() -> float:
    """Seconds for the same CPU-bound work every time, a few seconds on 2 cores: DuckDB sorts
    and groups 3,000,000 hashes (as dbt and the lists do), then Python formats 1,500,000
    addresses (as Airflow, dbt and GX spend their own time)."""
    started = time.perf_counter()
    with duckdb.connect() as connection:
        connection.execute(
            "create table hashes as select md5(i::varchar) as text, i % 97 as part "
            "from range(3000000) t(i)")
        connection.execute(
            "select part, count(distinct text), max(text) from (select * from hashes order by text) "
            "group by part").fetchall()
    # The sum is never read: the loop is the work. Keep it as it is, or references taken before
    # and after a change stop being comparable (bench/results.md compares runs by them).
    total = 0
    for i in range(1_500_000):
        total += len(f"{i:08d}@example.nl".upper())
    return time.perf_counter() - started


def make_run(root: Path, run_date: str) -> tuple[float, int, bool]:
    """`hygiene run` (what `make run` runs) on the scratch folders: wall seconds, peak RSS."""
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(ROOT / ".airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{ROOT / '.airflow' / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "HYGIENE_LANDING_DIR": str(root / "landing"),
        "HYGIENE_OUTPUT_DIR": str(root / "run_output"),
        "HYGIENE_WAREHOUSE_DIR": str(root / "run_warehouse"),
        "HYGIENE_HASH_KEY": bench_night.BENCH_HASH_KEY,
        "HYGIENE_DELETION_HOLD_SHARE": "1",
    }
    # Peak RSS of this run alone: measured by a small parent of its own (RUSAGE_CHILDREN of this
    # process would include the dbt of the step-by-step night before it).
    peak_file = root / "make_run_peak_rss"
    measured = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[2:]); "
                "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN)"
                ".ru_maxrss)); sys.exit(code)")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", measured, str(peak_file),
         str(Path(sys.executable).with_name("hygiene")), "run", "--date", run_date],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    peak = int(peak_file.read_text()) * 1024 if peak_file.is_file() else 0
    print(output.strip().splitlines()[-1] if output.strip() else "(no output)", flush=True)
    return seconds, peak, process.returncode == 0


def explain_one(output_root: Path) -> float | None:
    """Seconds for `explain` of one published address (the CLI's work, without Python start)."""
    from hygiene.explain import explain
    from hygiene.runs import RunNotFound, find_run

    try:
        run = find_run(output_root)
    except RunNotFound:  # the night failed at this size
        return None
    listed = run.folder / "suppression_list.csv"
    if not listed.is_file():
        return None
    with duckdb.connect() as connection:
        (address,) = connection.execute(
            f"select address from read_csv('{listed}', all_varchar = true) "
            "where channel = 'email' limit 1 offset 1000").fetchone()
    started = time.perf_counter()
    explain(run, address=address).lines()
    return time.perf_counter() - started


def cpu_times() -> tuple[int, int] | None:
    """(steal, total) jiffies of all CPUs since boot, from /proc/stat (Linux); None elsewhere."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal (guest time is counted in user already)
    return fields[7], sum(fields[:8])


def steal_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> float | None:
    """On a shared virtual machine the same code runs slower while the host is busy: the share of
    CPU time stolen while a size ran says how far its times can be compared with another run's."""
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def data_work_in_own_process(contacts: int, scratch: Path) -> bench_night.Night:
    """The data work step by step in a new process, as `make run` does each night: what a night
    imports on its way (Great Expectations, 2 s; WeasyPrint) is paid in every size's steps, not
    in the first size's only."""
    new_process = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=new_process) as worker:
        night, _ = worker.submit(
            bench_night.run_night, contacts, RUN_DATE.isoformat(), scratch, generate=False
        ).result()
    return night


def measure(contacts: int, scratch: Path) -> Size:
    size = Size(contacts)
    cpu_before = cpu_times()
    speed_before = speed_reference()
    landing = scratch / "landing" / RUN_DATE.isoformat()
    started = time.perf_counter()
    generated = generate_landing(landing, RUN_DATE, contacts)
    size.generate_seconds = time.perf_counter() - started
    size.extract_rows = sum(generated.rows_by_file().values())
    size.extract_bytes = sum((landing / name).stat().st_size for name in EXTRACTS
                             if (landing / name).is_file())
    print(f"\n== {contacts:,} contacts: {size.extract_rows:,} rows, "
          f"{size.extract_bytes / 1e6:,.0f} MB of extracts", flush=True)

    night = data_work_in_own_process(contacts, scratch)
    size.steps = [step for step in night.steps if step.in_night]
    size.data_work_seconds = sum(step.seconds for step in size.steps)
    published = scratch / "output" / RUN_DATE.isoformat()
    size.published_bytes = folder_bytes(published)
    size.published_files = {
        str(path.relative_to(published)): path.stat().st_size
        for path in sorted(published.rglob("*")) if path.is_file()
    }
    size.slowest_nodes = bench_night.slowest_nodes(scratch / "dbt_target")
    size.explain_seconds = explain_one(scratch / "output")
    size.floor_seconds = io_floor(landing.parent / RUN_DATE.isoformat(), scratch, size.published_bytes)
    if size.failed_step:
        # `make run` runs the same steps: it would fail there too, after as long again
        print(f"the data work failed in {size.failed_step}: `make run` is not tried", flush=True)
        size.run_ok = False
    else:
        size.run_seconds, size.run_peak_rss, size.run_ok = make_run(scratch, RUN_DATE.isoformat())
    size.cpu_steal = steal_share(cpu_before, cpu_times())
    size.speed_seconds = (speed_before, speed_reference())
    return size


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def tables(sizes: list[Size]) -> str:
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M')} on {machine()}.", "",
             ("| contacts | extracts | `make run` | peak RSS | data work | I/O floor | × floor "
             "| published / extracts | `explain` | CPU steal | speed reference, before / after |"),
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in sizes:
        lines.append(
            f"| {s.contacts:,} | {s.extract_rows:,} rows, {s.extract_bytes / 1e6:,.0f} MB "
            f"| {'not tried' if s.failed_step else f'{s.run_seconds:,.0f} s'}"
            f"{'' if s.run_ok or s.failed_step else ' (FAILED)'} "
            f"| {s.run_peak_rss / 2**30:.2f} GiB | {s.data_work_seconds:,.0f} s"
            f"{f' (FAILED in {s.failed_step})' if s.failed_step else ''} "
            f"| {s.floor_seconds:,.1f} s | {s.data_work_seconds / max(s.floor_seconds, 0.01):.1f} "
            f"| {s.published_bytes / max(s.extract_bytes, 1):.2f}× ({s.published_bytes / 1e6:,.0f} MB) "
            f"| {s.explain_seconds if s.explain_seconds is None else f'{s.explain_seconds:.2f} s'} "
            f"| {'' if s.cpu_steal is None else f'{s.cpu_steal:.0%}'} "
            f"| {s.speed_seconds[0]:.1f} / {s.speed_seconds[1]:.1f} s |")
    for s in sizes:
        lines += ["", f"### {s.contacts:,} contacts, step by step (data work, no Airflow)", "",
                  "| step | wall s | CPU s (in the kernel) | rows | rows/s | peak RSS | note |",
                  "|---|---:|---:|---:|---:|---:|---|"]
        for step in s.steps:
            rate = f"{step.rows / step.seconds:,.0f}" if step.rows and step.seconds else ""
            rss = f"{step.peak_rss / 2**30:.2f} GiB" if step.peak_rss else ""
            rows = f"{step.rows:,}" if step.rows is not None else ""
            cpu = f"{step.cpu_seconds:.1f} ({step.kernel_seconds:.1f})"
            lines.append(f"| {step.name} | {step.seconds:.1f} | {cpu} | {rows} | {rate} | {rss} "
                         f"| {step.note} |")
        lines += ["", "Slowest dbt nodes: " + ", ".join(
            f"`{name}` {seconds:.1f} s" for name, seconds in s.slowest_nodes[:5])]
        biggest = sorted(s.published_files.items(), key=lambda item: -item[1])[:6]
        lines += ["", "Largest published files: " + ", ".join(
            f"`{name}` {size / 1e6:,.0f} MB" for name, size in biggest)]
        contract = contract_bytes(s.published_files)
        # a first night's delta lists every suppression; a later night's is small
        delta = s.published_files.get(lists.DELTA_LIST, 0)
        lines += ["", (f"The contract's lists and exports alone: {contract / 1e6:,.0f} MB, "
                  f"{contract / max(s.extract_bytes, 1):.2f}× the extracts "
                  f"({(contract - delta) / max(s.extract_bytes, 1):.2f}× without the first "
                  "night's delta, which lists every suppression)")]
    return "\n".join(lines)


def write_results(out: Path, text: str) -> None:
    old = out.read_text() if out.is_file() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, _, rest = old.partition(BEGIN)
    _, _, tail = rest.partition(END)
    out.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="contacts per night, comma-separated (default %(default)s)")
    parser.add_argument("--with-10m", action="store_true", help="add 10,000,000 contacts (long)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    counts = [int(n) for n in args.sizes.split(",")] + ([10_000_000] if args.with_10m else [])
    sizes = []
    for contacts in counts:
        scratch = Path(tempfile.mkdtemp(prefix=f"bench_{contacts}_"))
        try:
            sizes.append(measure(contacts, scratch))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    text = tables(sizes)
    print("\n" + text)
    write_results(args.out, text)
    print(f"\nwritten to {args.out}")
    return 0 if all(s.run_ok for s in sizes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
