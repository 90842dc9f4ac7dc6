"""`python -m hygiene …`: see hygiene.cli."""

from hygiene.cli import main

if __name__ == "__main__":  # Airflow's plugin manager may import this file; never run then
    raise SystemExit(main())
