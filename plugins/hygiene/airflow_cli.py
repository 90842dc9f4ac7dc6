"""`airflow`, as its console script runs it, for the nights `make run` runs in the foreground:
`python -P -m hygiene.airflow_cli dags test retention_nightly D` (hygiene.foreground).

Two differences: the signals that stop `make run` are taken back first (hygiene.stopping), and
the objects left when Airflow ends are frozen out of the interpreter's last
garbage collections, which walked the million objects of Airflow, GX and pandas for 3 s after
the night had ended (issue "Performance"). Objects in reference cycles are then left to the
process's end, as intended: every DuckDB connection of ours is closed by its task.
"""

import atexit
import gc
import sys
from pathlib import Path

from hygiene.stopping import release_stopping_signals


def main() -> None:
    release_stopping_signals()  # held by `make run` while it started this process
    atexit.register(gc.freeze)  # registered first, so it runs last: after Airflow's own handlers
    sys.argv[0] = str(Path(sys.executable).with_name("airflow"))  # as Airflow logs and re-runs it
    from airflow.__main__ import main as airflow_main

    sys.exit(airflow_main())


if __name__ == "__main__":
    main()
