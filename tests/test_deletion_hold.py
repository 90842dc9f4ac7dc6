"""G2's decision on its own (hygiene.guards): the configured share, and "far above the recent
norm" (more than NORM_FACTOR × the median contact deletions of the last nights that computed a
list, once there are NORM_MIN_RUNS of them), and how the report and the approval question word
it (hygiene.report.render.hold_reason)."""

from __future__ import annotations

import duckdb
import pytest

from hygiene.guards import (
    NORM_FACTOR,
    NORM_MIN_RUNS,
    NORM_RUNS,
    decide_deletion_hold,
    recent_contact_deletions,
)
from hygiene.report.render import hold_reason
from hygiene.report.words import Words


@pytest.fixture
def warehouse(tmp_path):
    """A warehouse of 1,000 contacts; `deleting(n)` puts n of them on the deletion list."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema staging; create schema marts")
        connection.execute("create table staging.stg_crm__contacts as "
                           "select 'C' || i as contact_id from range(1000) t(i)")
        connection.execute("create table marts.deletion_list (subject_type varchar, "
                           "subject_id varchar, action varchar, rule varchar)")

    def deleting(contacts: int):
        with duckdb.connect(str(path)) as connection:
            connection.execute("delete from marts.deletion_list")
            # a contact twice (two rules) and a booking: G2 counts distinct contacts deleted
            connection.execute(
                "insert into marts.deletion_list select 'contact', 'C' || i, 'delete', 'R7' "
                f"from range({contacts}) t(i)")
            connection.execute("insert into marts.deletion_list values "
                               "('contact', 'C0', 'delete', 'R6'), ('booking', 'B1', 'delete', 'R5')")
        return path

    return deleting


def test_g2_a_list_within_the_share_and_the_norm_is_published(warehouse):
    hold = decide_deletion_hold(warehouse(10), 0.02, [8, 12, 10])
    assert not hold.held and hold.reason == ""
    assert (hold.contact_deletions, hold.contacts, hold.recent_median) == (10, 1000, 10)


def test_g2_more_than_the_configured_share_is_held(warehouse):
    hold = decide_deletion_hold(warehouse(25), 0.02, [])
    assert hold.held and hold.share == 0.025
    assert hold.reason == "25 of 1,000 contacts (2.5%) are due for deletion, more than the configured 2.0%"


def test_g2_far_above_the_recent_norm_is_held_within_the_share(warehouse):
    median = 5
    deletions = int(NORM_FACTOR * median) + 1  # 16 of 1,000: within the 2 % share
    hold = decide_deletion_hold(warehouse(deletions), 0.02, [4, median, 6])
    assert hold.held and hold.recent_median == median
    assert hold.reason == (f"{deletions} contact deletions is more than {NORM_FACTOR:g}× the median "
                           f"({median}) of the last 3 runs")
    assert "meer dan 3 keer het gebruikelijke aantal (mediaan 5" in hold_reason(hold.as_dict(), Words("nl"))
    assert "more than 3 times the usual number (median 5" in hold_reason(hold.as_dict(), Words("en"))


def test_g2_just_at_the_norm_is_not_held(warehouse):
    assert not decide_deletion_hold(warehouse(int(NORM_FACTOR * 5)), 0.02, [5, 5, 5]).held


def test_g2_no_norm_before_enough_nights(warehouse):
    history = [1] * (NORM_MIN_RUNS - 1)
    hold = decide_deletion_hold(warehouse(19), 0.02, history)
    assert not hold.held and hold.recent_median is None


def test_g2_share_one_turns_the_share_test_off_but_not_the_norm(warehouse):
    assert not decide_deletion_hold(warehouse(500), 1, []).held
    assert decide_deletion_hold(warehouse(500), 1, [10, 10, 10]).held


def test_g2_the_norm_counts_the_last_nights_that_computed_a_list():
    nights = [{"status": "published", "contact_deletions": str(n)} for n in range(1, 10)]
    nights += [{"status": "degraded", "contact_deletions": ""},  # a degraded night has no list
               {"status": "held", "contact_deletions": "40"}]
    assert recent_contact_deletions(nights) == [*range(10 - NORM_RUNS + 1, 10), 40]
