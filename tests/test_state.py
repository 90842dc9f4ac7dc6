"""The compact state that outlives published runs (hygiene.state; M8, M10, G2, G3, G6)."""

from __future__ import annotations

import duckdb

from hygiene import state
from hygiene.keyed_hash import hmac_sha256_hex
from hygiene.load import connect

KEY = "test-only-key"
D = "2026-11-28"


def marts_warehouse(path):
    """The marts the state is written from, with one row each."""
    with connect(path) as db:
        db.execute("create schema marts")
        db.execute("create table marts.remembered_stops as select 'email' as channel, "
                   "'h1' as address_hmac, 'offers' as purpose, 'objected' as reason, "
                   "date '2026-01-05' as since")
        db.execute("create table marts.tombstones as select 'sms' as channel, 'h2' as address_hmac, "
                   "'newsletter' as purpose, 'withdrawn' as reason, date '2025-01-01' as since")
        db.execute(
            "create table marts.deletion_history as "
            "select * from (values ('contact', 'C1', 'delete', 'R7', date '2026-10-01', "
            "date '2026-10-01', false), ('booking', 'B1', 'delete', 'R5', date '2026-11-28', "
            "date '2026-11-28', true)) as t(subject_type, subject_id, action, rule, due_date, "
            "listed_since, is_first_listed_today)"
        )
    return path


def night(run_date: str, status: str = "published", deletions: int = 3) -> dict:
    return {"run_date": run_date, "status": status, "contacts": 100,
            "contact_deletions": deletions, "suppressed": 10, "eligible": 20}


def test_state_after_d_is_read_back_by_the_next_night(tmp_path):
    output = tmp_path / "out"
    warehouse = marts_warehouse(tmp_path / "wh.duckdb")
    (output / D).mkdir(parents=True)
    state.stage_state(warehouse, output / "state" / D, None, night(D), deletions_held=False)

    counts = state.load_state(output, output / D, tmp_path / "next.duckdb", "2026-11-29")

    assert counts == {"previous_suppressions": 1, "tombstones": 1, "deletion_history": 2}


def test_g3_a_held_list_is_not_remembered_as_listed(tmp_path):
    output = tmp_path / "out"
    warehouse = marts_warehouse(tmp_path / "wh.duckdb")
    (output / D).mkdir(parents=True)
    state.stage_state(warehouse, output / "state" / D, None, night(D, "held"), deletions_held=True)
    state.load_state(output, output / D, tmp_path / "next.duckdb", "2026-11-29")
    with connect(tmp_path / "next.duckdb") as db:
        assert db.execute("select subject_id from raw.deletion_history").fetchall() == [("C1",)]


def test_g3_an_approval_counts_as_listed_from_the_approved_day_on(tmp_path):
    output = tmp_path / "out"
    approved = tmp_path / "approved.csv"
    approved.write_text("subject_type,subject_id,action,rule,due_date\n"
                        "contact,C7,delete,R7,2026-01-01\nconsent_event,E1,delete,R10,2020-01-01\n")
    state.approve_deletions(output, D, approved)
    state.load_state(output, None, tmp_path / "next.duckdb", "2026-11-29")
    with connect(tmp_path / "next.duckdb") as db:
        rows = db.execute("select subject_id, listed_since::varchar from raw.deletion_history").fetchall()
    assert rows == [("C7", D)]  # consent events are followed through their contact
    state.load_state(output, None, tmp_path / "same-day.duckdb", D)
    with connect(tmp_path / "same-day.duckdb") as db:  # a rerun of D does not see its own approval
        assert db.execute("select count(*) from raw.deletion_history").fetchone() == (0,)


def test_g2_runs_history_keeps_earlier_nights_and_adds_this_one(tmp_path):
    output = tmp_path / "out"
    warehouse = marts_warehouse(tmp_path / "wh.duckdb")
    for day in ("2026-11-26", "2026-11-27"):
        (output / day).mkdir(parents=True)
        previous = output / "2026-11-26" if day == "2026-11-27" else None
        state.stage_state(warehouse, output / "state" / day, previous, night(day), deletions_held=False)
    runs = state.recent_runs(state.snapshot_of(output, "2026-11-27"))
    assert [r["run_date"] for r in runs] == ["2026-11-26", "2026-11-27"]


def test_the_state_has_no_column_for_a_plain_address_or_name(tmp_path):
    output = tmp_path / "out"
    warehouse = marts_warehouse(tmp_path / "wh.duckdb")
    state.stage_state(warehouse, output / "state" / D, None, night(D), deletions_held=False)
    columns = set()
    with duckdb.connect() as db:
        for path in (output / "state" / D).glob("*.parquet"):
            columns |= {c[0] for c in db.execute(f"describe select * from '{path}'").fetchall()}
    assert columns == {"channel", "address_hmac", "purpose", "reason", "since", "subject_type",
                       "subject_id", "action", "rule", "due_date", "listed_since"}


def test_m8_m10_a_run_published_before_the_state_existed_is_carried_over(tmp_path, monkeypatch):
    monkeypatch.setenv("HYGIENE_HASH_KEY", KEY)
    previous = tmp_path / "out" / "2026-11-27"
    (previous / "state").mkdir(parents=True)
    (previous / "suppression_list.csv").write_text(
        "channel,address,address_sha256,purpose,reason,since\n"
        "email,a@example.nl,x,offers,objected,2026-01-01\n"
        "email,b@example.nl,y,offers,no_basis,\n"
        "sms,+31612345678,z,newsletter,withdrawn,2026-02-01\n"
    )
    (previous / "state" / "tombstones.csv").write_text(
        "channel,address_hmac,purpose,reason,since\nemail,abc,offers,objected,2025-01-01\n"
    )
    counts = state.load_state(tmp_path / "out", previous, tmp_path / "wh.duckdb", D)
    assert counts == {"previous_suppressions": 2, "tombstones": 1, "deletion_history": 0}
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as db:
        hashes = {h for (h,) in db.execute("select address_hmac from raw.previous_suppressions").fetchall()}
    assert hashes == {hmac_sha256_hex(KEY.encode(), "a@example.nl"),
                      hmac_sha256_hex(KEY.encode(), "+31612345678")}
