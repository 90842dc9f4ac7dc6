"""Wall time of the demo extract generator for a million contacts (a measurement, not a test).

PYTHONPATH=plugins .venv/bin/python bench/bench_generate.py [--contacts N] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))

from hygiene.generate import generate_landing

RUN_DATE = date(2025, 3, 14)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="keep the folder here (default: a temporary one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_generate_") as scratch:
        out_dir = args.out or Path(scratch) / RUN_DATE.isoformat()
        started = time.perf_counter()
        landing = generate_landing(out_dir, RUN_DATE, args.contacts)
        seconds = time.perf_counter() - started
        megabytes = sum(f.stat().st_size for f in out_dir.iterdir()) / 1e6

    print(f"generated {args.contacts:,} contacts in {seconds:.1f} s ({megabytes:,.0f} MB)")
    for file_name, rows in landing.rows_by_file().items():
        print(f"  {file_name:28} {rows:>12,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
