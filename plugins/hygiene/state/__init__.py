"""The compact state that outlives published runs (RULES.md M8, M10, G2, G3; G6).

After each published night D, `$HYGIENE_OUTPUT_DIR/state/<D>` holds what later nights need from
history, and nothing else:

    remembered_stops.parquet   M8   every objected/withdrawn suppression, as a keyed hash
    tombstones.parquet         M10  stops of deleted contacts, as keyed hashes
    deletion_history.parquet   G3   contacts and bookings a published list named, still due
    runs.csv                   G2   each night's status and counts (the recent norm; charts)

and `state/approved/<D>.csv` holds each held deletion list a person approved (G2), for G3. No
plain address, name or phone number is kept here, so old runs' files with addresses can be
pruned (G6) while every objection is remembered. A night reads the state of the run published
before it (`load_state`), so a rerun or backfill of D reads what the first run of D read.

The state is staged in the attempt's folder and swapped into place with the run
(hygiene.publish.release); the warehouse and every old run can be deleted without losing it.
"""

from hygiene.state.snapshot import (
    APPROVED_FOLDER,
    RUNS_FILE,
    approve_deletions,
    load_state,
    recent_runs,
    snapshot_of,
    stage_state,
)

__all__ = [
    "APPROVED_FOLDER",
    "RUNS_FILE",
    "approve_deletions",
    "load_state",
    "recent_runs",
    "snapshot_of",
    "stage_state",
]
