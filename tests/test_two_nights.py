"""Two nights end to end: what one run carries into the next (M8, M10, M5, the delta, backfill).

Small landing folders are written by this module (nothing to keep in sync elsewhere). The night's
steps run three times in one module fixture (tests/night_steps.py: the DAG's steps without
Airflow; test_nightly_run.py runs the DAG itself): night 1 (D1), night 2 (D2), then night 1 again
(a backfill after D2). G2's share test is off (`HYGIENE_DELETION_HOLD_SHARE=1`): one of four
contacts is due.
Every expectation below is worked out from RULES.md (and docs/decisions.md where RULES.md leaves
room), never copied from a pipeline run.

| contact | night 1 (D1 = 2026-11-27) | night 2 (D2 = 2026-11-28) | rule |
|---|---|---|---|
| TA | customer (booking, opt-out offered), provable newsletter grant 2026-02-01, `object` email/all 2026-10-15: objected since 2026-10-15, all purposes | the objection event is missing from the export: still objected since 2026-10-15 (without M8 it would be consent/soft opt-in) | M5, M8 |
| TB | provable newsletter grant 2026-03-01, `withdraw` newsletter 2026-11-10: withdrawn | later provable grant 2026-11-20: newsletter eligible (consent), delta `removed` | M5, M8, M4 |
| TC | prospect, `object` all/all 2026-09-01: objected (e-mail and sms), due for delete R7 on 2026-10-01, tombstoned | gone from the CRM: e-mail and phone kept only as keyed hashes in the state's tombstones | R7, M10 |
| TD | provable grant email/all: consent for every purpose | unchanged | M4, M5 |
| TE | - | new contact, TC's old e-mail (other casing), no events: objected since 2026-09-01 via the tombstone, not no_basis | M10, "Address" |

TC's consent event stays in the night-2 export: R10 keeps consent evidence 5 years, also when the
contact is deleted; an event of a contact no longer in the CRM reaches no address (decisions.md,
marketing 2), so the tombstone alone must suppress TE's address.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
from pathlib import Path

import duckdb
import pytest

from hygiene.settings import Settings
from night_steps import TEST_HASH_KEY, run_night

pytestmark = pytest.mark.slow

D1 = "2026-11-27"
D2 = "2026-11-28"
PURPOSES = ("newsletter", "offers", "partner_offers")

A_EMAIL = "a.tn@example.nl"
B_EMAIL = "b.tn@example.nl"
C_EMAIL = "c.tn@example.nl"
C_PHONE = "+31620000003"  # typed as "06 2000 0003"
D_EMAIL = "d.tn@example.nl"

CONTACT_COLUMNS = "contact_id,email,phone,first_name,last_name,created_at,signup_source,legal_hold"
BOOKING_COLUMNS = (
    "booking_id,contact_id,booker_email,booker_phone,booked_at,status,confirmed_at,invoiced_at,"
    "product_type,departure_date,return_date,total_amount,marketing_optout_offered"
)
EVENT_COLUMNS = (
    "event_id,contact_id,channel,purpose,action,occurred_at,source,proof_ref,consent_text_version"
)

CONTACT_A = f"TA,{A_EMAIL},,Anna,Tweenacht,2026-01-05T10:00:00,booking,false"
CONTACT_B = f"TB,{B_EMAIL},,Bas,Tweenacht,2026-03-01T10:00:00,newsletter,false"
CONTACT_C = f"TC,{C_EMAIL},06 2000 0003,Cees,Tweenacht,2025-06-01T10:00:00,contest,false"
CONTACT_D = f"TD,{D_EMAIL},,Dirk,Tweenacht,2026-04-01T10:00:00,newsletter,false"
# TE reuses TC's e-mail address in another casing: the same normalised address.
CONTACT_E = "TE,C.TN@Example.NL,,Eva,Tweenacht,2026-11-25T10:00:00,newsletter,false"

# TA's booking: confirmed, opt-out offered, travelled in July 2026 -> R3 2028-07-10, R4
# 2035-01-01: nothing due, TA is an existing customer not due for delete (R6), soft opt-in basis.
BOOKING_A = (
    f"BA,TA,{A_EMAIL},,2026-05-01T10:00:00,completed,2026-05-02T10:00:00,2026-05-03,package,"
    "2026-07-01,2026-07-10,1500.00,true"
)

EVENT_A_GRANT = "TA-1,TA,email,newsletter,grant,2026-02-01T10:00:00,double_opt_in,DOI-TA-1,nl-v3,"
EVENT_A_OBJECT = "TA-2,TA,email,all,object,2026-10-15T10:00:00,web_form,,,"
EVENT_B_GRANT = "TB-1,TB,email,newsletter,grant,2026-03-01T10:00:00,double_opt_in,DOI-TB-1,nl-v3,"
EVENT_B_WITHDRAW = "TB-2,TB,email,newsletter,withdraw,2026-11-10T10:00:00,web_form,,,"
EVENT_B_REGRANT = (
    "TB-3,TB,email,newsletter,grant,2026-11-20T10:00:00,double_opt_in,DOI-TB-3,nl-v3,"
)
EVENT_C_OBJECT = "TC-1,TC,all,all,object,2026-09-01T10:00:00,call_center,,,"
EVENT_D_GRANT = "TD-1,TD,email,all,grant,2026-04-01T10:00:00,double_opt_in,DOI-TD-1,nl-v3,"

NIGHTS = {
    D1: {
        "crm_contacts.csv": [CONTACT_COLUMNS, CONTACT_A, CONTACT_B, CONTACT_C, CONTACT_D],
        "bookings.csv": [BOOKING_COLUMNS, BOOKING_A],
        "consent_events.csv": [
            EVENT_COLUMNS, EVENT_A_GRANT, EVENT_A_OBJECT, EVENT_B_GRANT, EVENT_B_WITHDRAW,
            EVENT_C_OBJECT, EVENT_D_GRANT,
        ],
    },
    D2: {
        # TC deleted after night 1's deletion list; TE new with TC's old e-mail.
        "crm_contacts.csv": [CONTACT_COLUMNS, CONTACT_A, CONTACT_B, CONTACT_D, CONTACT_E],
        "bookings.csv": [BOOKING_COLUMNS, BOOKING_A],
        # TA-2 (the objection) is missing; TB-3 is new; TC-1 stays (R10 keeps evidence).
        "consent_events.csv": [
            EVENT_COLUMNS, EVENT_A_GRANT, EVENT_B_GRANT, EVENT_B_WITHDRAW, EVENT_B_REGRANT,
            EVENT_C_OBJECT, EVENT_D_GRANT,
        ],
    },
}


def write_landing(landing_root: Path, run_date: str) -> None:
    folder = landing_root / run_date
    folder.mkdir(parents=True)
    for name, lines in NIGHTS[run_date].items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "_READY").touch()


def csv_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> dict:
    """Night 1, night 2, then night 1 again; returns the output folders and night 1's CSVs."""
    root = tmp_path_factory.mktemp("two_nights")
    folders = Settings(root / "landing", root / "output", root / "warehouse")
    write_landing(folders.landing_root, D1)
    write_landing(folders.landing_root, D2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
        patch.setenv("HYGIENE_DELETION_HOLD_SHARE", "1")
        run_night(folders, D1, "night 1")
        first = csv_bytes(folders.output_root / D1)
        run_night(folders, D2, "night 2")
        latest_after_night_2 = os.readlink(folders.output_root / "latest")
        run_night(folders, D1, "backfill of night 1")
    return {
        "output": folders.output_root,
        "night1_first_csvs": first,
        "latest_after_night_2": latest_after_night_2,
    }


# ---------------------------------------------------------------------------- reading outputs


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sha256(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


def keyed(address: str) -> str:
    """M10's keyed hash under the test key (tests/night_steps.py)."""
    key = TEST_HASH_KEY.encode("utf-8")
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()


OURS = {A_EMAIL, B_EMAIL, C_EMAIL, C_PHONE, D_EMAIL}


def suppression(folder: Path) -> set[tuple[str, ...]]:
    """(channel, address, purpose, reason, since) of our addresses; checks the sha256 column."""
    result = set()
    for row in rows(folder / "suppression_list.csv"):
        assert row["address_sha256"] == sha256(row["address"]), row
        result.add((row["channel"], row["address"], row["purpose"], row["reason"], row["since"]))
    return result


def eligibility(folder: Path) -> set[tuple[str, ...]]:
    return {
        (r["channel"], r["address"], r["purpose"], r["basis"])
        for r in rows(folder / "marketing_eligibility.csv")
    }


def state_rows(folder: Path, table: str) -> list[tuple[str, ...]]:
    """The rows of a table of the state after the run in `folder` (hygiene.state), as text."""
    path = folder.parent / "state" / folder.name / f"{table}.parquet"
    with duckdb.connect() as db:
        return [tuple(map(str, row)) for row in db.execute(f"select * from '{path}'").fetchall()]


def tombstones(folder: Path) -> set[tuple[str, ...]]:
    return set(state_rows(folder, "tombstones"))


def every_purpose(channel: str, address: str, reason: str, since: str) -> set[tuple[str, ...]]:
    return {(channel, address, p, reason, since) for p in PURPOSES}


# Night 1, from RULES.md:
#   TA: object email/all 2026-10-15 is later than the grant 2026-02-01 -> M5.1 objected for all
#       three purposes (it ends the soft opt-in of BA too, M2(d)).
#   TB: withdraw newsletter 2026-11-10 after the grant -> withdrawn; offers/partner_offers have
#       no grant and no agreement -> no_basis (M9), since empty.
#   TC: object all/all -> objected on e-mail and sms for every purpose (M5 `all`).
#   TD: provable grant email/all -> consent for every purpose, not suppressed.
SUPPRESSED_NIGHT_1 = (
    every_purpose("email", A_EMAIL, "objected", "2026-10-15")
    | {
        ("email", B_EMAIL, "newsletter", "withdrawn", "2026-11-10"),
        ("email", B_EMAIL, "offers", "no_basis", ""),
        ("email", B_EMAIL, "partner_offers", "no_basis", ""),
    }
    | every_purpose("email", C_EMAIL, "objected", "2026-09-01")
    | every_purpose("sms", C_PHONE, "objected", "2026-09-01")
)
ELIGIBLE_NIGHT_1 = {("email", D_EMAIL, p, "consent") for p in PURPOSES}

# Night 2:
#   TA: objection event missing, remembered from night 1 (M8): same reason, same since; the
#       remaining grant (2026-02-01) is earlier than the stop, so it does not lift it.
#   TB: provable grant 2026-11-20 later than the withdrawal 2026-11-10 -> consent (M5.2, M8).
#   TE: TC's e-mail matches TC's tombstone -> objected since the tombstone's date (M10).
#   TC's phone is no longer known: in no plain list, only in the tombstones.
SUPPRESSED_NIGHT_2 = (
    every_purpose("email", A_EMAIL, "objected", "2026-10-15")
    | {
        ("email", B_EMAIL, "offers", "no_basis", ""),
        ("email", B_EMAIL, "partner_offers", "no_basis", ""),
    }
    | every_purpose("email", C_EMAIL, "objected", "2026-09-01")
)
ELIGIBLE_NIGHT_2 = ELIGIBLE_NIGHT_1 | {("email", B_EMAIL, "newsletter", "consent")}

# R7: TC is a prospect whose latest event is an objection on 2026-09-01 -> delete 30 days later.
# R10 for TC-1: 5 years after the later of 2026-09-01 and 2026-10-01: not due. Nothing else is due
# (TA: R6 not due, BA: R3 2028 / R4 2035; TB: R7 30 days after 2026-11-10 = 2026-12-10 on night 1,
# R8 on night 2; TD: R8; TE: created 2026-11-25, R7 in 2027).
DELETIONS_NIGHT_1 = {("contact", "TC", "delete", "R7", "2026-10-01")}

# M10: TC is due for delete on night 1, so its objected addresses are tombstoned (keyed hash,
# reason, date), and stay tombstoned on night 2 (TE's address is objected, not consented).
TOMBSTONES = {
    (channel, keyed(address), p, "objected", "2026-09-01")
    for channel, address in (("email", C_EMAIL), ("sms", C_PHONE))
    for p in PURPOSES
}


# ---------------------------------------------------------------------------- night 1


def test_night_1_suppression_and_eligibility(nights):
    folder = nights["output"] / D1
    assert suppression(folder) == SUPPRESSED_NIGHT_1
    assert eligibility(folder) == ELIGIBLE_NIGHT_1


def test_night_1_deletes_prospect_c_and_tombstones_its_addresses(nights):
    folder = nights["output"] / D1
    published = {tuple(r.values()) for r in rows(folder / "deletion_list.csv")}
    assert published == DELETIONS_NIGHT_1
    assert tombstones(folder) == TOMBSTONES


# ---------------------------------------------------------------------------- night 2


def test_night_2_remembers_a_objection_missing_from_the_export(nights):
    """M8: the event is gone, the suppression (reason and `since`) is not."""
    folder = nights["output"] / D2
    a_rows = {r for r in suppression(folder) if r[1] == A_EMAIL}
    assert a_rows == every_purpose("email", A_EMAIL, "objected", "2026-10-15")
    assert not {r for r in eligibility(folder) if r[1] == A_EMAIL}


def test_night_2_b_is_eligible_again_after_a_later_provable_grant(nights):
    folder = nights["output"] / D2
    assert ("email", B_EMAIL, "newsletter", "consent") in eligibility(folder)
    assert not {r for r in suppression(folder) if r[1] == B_EMAIL and r[2] == "newsletter"}


def test_night_2_delta_against_night_1(nights):
    """CONTRACT: `added`/`removed` of the hashed list against the previous published run.

    TB's newsletter row is removed (consent again); TC's phone left the extracts, so its rows
    leave the list (it lives on only as a tombstone). TC's e-mail rows are unchanged (TE's
    address is suppressed with the same reason), TA's too (M8).
    """
    folder = nights["output"] / D2
    delta = {tuple(r.values()) for r in rows(folder / "suppression_delta.csv")}
    assert delta == {("removed", "email", sha256(B_EMAIL), "newsletter", "withdrawn")} | {
        ("removed", "sms", sha256(C_PHONE), p, "objected") for p in PURPOSES
    }


def test_night_1_delta_adds_the_whole_hashed_list_in_its_order(nights):
    """CONTRACT: on a first night every suppression is `added`. The delta is copied from the
    hashed list as written, not sorted again (docs/decisions.md, 66): the same rows without
    `since`, in the same order, and that order is the delta's own sort."""
    folder = nights["output"] / D1
    hashed = [(r["channel"], r["address_sha256"], r["purpose"], r["reason"])
              for r in rows(folder / "suppression_list_hashed.csv")]
    delta = [tuple(r.values()) for r in rows(folder / "suppression_delta.csv")]
    assert len(hashed) > 3
    assert delta == [("added", *row) for row in hashed]
    assert delta == sorted(delta)


def test_night_2_deleted_contact_lives_on_only_as_a_keyed_hash(nights):
    """M10: TC's phone is in no plain (or unkeyed-hash) output, only in the state's tombstones."""
    folder = nights["output"] / D2
    assert tombstones(folder) == TOMBSTONES
    for name in ("suppression_list.csv", "suppression_list_hashed.csv",
                 "marketing_eligibility.csv", "suppression_delta.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        assert C_PHONE not in text, name
        if name != "suppression_delta.csv":  # the delta names the removal by sha256
            assert sha256(C_PHONE) not in text, name
    state = repr(state_rows(folder, "tombstones") + state_rows(folder, "remembered_stops"))
    for address in (C_EMAIL, C_PHONE):
        assert address not in state and sha256(address) not in state


def test_night_2_new_contact_with_a_tombstoned_address_is_objected(nights):
    """M10: TE has no events; its address matches TC's tombstone: objected, not no_basis."""
    folder = nights["output"] / D2
    e_rows = {r for r in suppression(folder) if r[1] == C_EMAIL}
    assert e_rows == every_purpose("email", C_EMAIL, "objected", "2026-09-01")


def test_night_2_whole_lists(nights):
    folder = nights["output"] / D2
    assert suppression(folder) == SUPPRESSED_NIGHT_2
    assert eligibility(folder) == ELIGIBLE_NIGHT_2
    assert rows(folder / "deletion_list.csv") == []


def test_the_lists_are_sorted_by_their_leading_columns(nights):
    """CONTRACT.md "Output": rows sorted by their leading columns. The lists and the explain
    table of decisions are written in the order fct_address_decisions is stored in, unsorted
    (docs/decisions.md, 63), and the explain table of consent events by each event's place
    (70): this checks those orders from the models to the published files."""
    for day in (D1, D2):
        folder = nights["output"] / day
        for name in ("suppression_list.csv", "marketing_eligibility.csv"):
            keys = [(r["channel"], r["address"], r["purpose"]) for r in rows(folder / name)]
            assert keys and keys == sorted(set(keys)), (day, name)
        with duckdb.connect() as db:
            keys = db.execute(
                "select channel, address, purpose from read_parquet(?)",
                [str(folder / "explain" / "address_decisions.parquet")],
            ).fetchall()
            # sorted by each event's place, which is the order of the ids (decision 70)
            event_ids = db.execute(
                "select event_id from read_parquet(?)",
                [str(folder / "explain" / "consent_events.parquet")],
            ).fetchall()
        assert len(keys) > 10 and keys == sorted(set(keys)), day
        assert len(event_ids) > 1 and event_ids == sorted(set(event_ids)), day


# ---------------------------------------------------------------------------- backfill


def test_backfill_of_night_1_is_byte_identical_and_latest_stays_on_night_2(nights):
    """CONTRACT "Output": a rerun of D gives byte-identical CSVs; `latest` never moves back."""
    output = nights["output"]
    assert nights["latest_after_night_2"] == D2
    assert os.readlink(output / "latest") == D2
    again = csv_bytes(output / D1)
    first = nights["night1_first_csvs"]
    assert sorted(again) == sorted(first)
    differing = sorted(name for name in first if first[name] != again[name])
    assert not differing, f"CSVs of {D1} differ after the backfill: {differing}"
