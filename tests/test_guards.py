"""The guards over several nights (issue "Guards"): a broken night honours its new objection and
the next good night carries on from it (G5, M8); an approved deletion list whose subjects are
still in the extracts weeks later shows as overdue (G3); a night 41 days on has pruned the old
runs' address files (G6) and still remembers every objection (M8, M10).

    D0       generated extracts; G2 holds the deletion list; a person approves it
    D0 + 1   the bookings export is broken, the consent log holds a new objection: degraded
    D0 + 2   good again, and the new objection's event is no longer in the export
    D0 + 41  D0's extracts without a single stop in them
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from hygiene.approve import approve_deletions
from hygiene.generate import generate_landing
from hygiene.nightly import NightFailed
from hygiene.settings import Settings
from night_steps import TEST_HASH_KEY, run_night
from published_run import read_rows

pytestmark = pytest.mark.slow

D0 = date(2026, 10, 1)
BROKEN, GOOD, LATER = (str(D0 + timedelta(days=n)) for n in (1, 2, 41))
OBJECTOR = "C0000007"
PRUNED = ("suppression_list.csv", "suppression_list_hashed.csv", "suppression_delta.csv",
          "marketing_eligibility.csv", "explain", "exports")


def rows(path: Path) -> list[dict]:
    return read_rows(path)


def write_rows(path: Path, table: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)


def stops(folder: Path) -> set[tuple[str, str, str, str]]:
    return {(r["channel"], r["address"], r["purpose"], r["reason"])
            for r in rows(folder / "suppression_list.csv") if r["reason"] in ("objected", "withdrawn")}


def state_table(output: Path, day: str, table: str) -> set[tuple]:
    with duckdb.connect() as db:
        return set(db.execute(f"select * from '{output / 'state' / day / table}.parquet'").fetchall())


def objector_email(nights: Nights) -> str:
    """The objector's CRM e-mail, from the explain tables of a run G6 has not pruned."""
    contacts = rows(nights.output_root / GOOD / "explain" / "contacts.parquet")
    return next(r["email"] for r in contacts if r["contact_id"] == OBJECTOR)


@dataclass
class Nights:
    settings: Settings
    degraded: dict[str, list[dict]]  # the degraded night's lists, read before G6 pruned them

    @property
    def output_root(self) -> Path:
        return self.settings.output_root


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> Nights:
    root = tmp_path_factory.mktemp("guards")
    settings = Settings(root / "landing", root / "output", root / "warehouse")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HYGIENE_HASH_KEY", TEST_HASH_KEY)
        patch.setenv("HYGIENE_FOREGROUND", "1")
        d0 = str(D0)
        generate_landing(settings.landing(d0), D0, 60)
        (settings.landing(d0) / "extract_manifest.json").unlink()
        run_night(settings, d0)
        approve_deletions(settings.output_root, d0, "Privacy Officer")

        broken = settings.landing(BROKEN)
        shutil.copytree(settings.landing(d0), broken)
        with (broken / "consent_events.csv").open("a", encoding="utf-8") as handle:
            handle.write(f"E-NEW,{OBJECTOR},all,all,object,{BROKEN}T09:00:00+01:00,web_form,,\n")
        bookings = rows(broken / "bookings.csv")
        bookings[3]["booked_at"] = "gisteren"
        write_rows(broken / "bookings.csv", bookings)
        with pytest.raises(NightFailed, match="failed in task load_raw"):
            run_night(settings, BROKEN)
        # read before D0 + 41 prunes it (G6)
        degraded = {name: rows(settings.output_root / BROKEN / name) for name in
                    ("suppression_list.csv", "marketing_eligibility.csv", "deletion_list.csv")}

        shutil.copytree(settings.landing(d0), settings.landing(GOOD))
        run_night(settings, GOOD)

        later = settings.landing(LATER)
        shutil.copytree(settings.landing(d0), later)
        events = rows(later / "consent_events.csv")
        write_rows(later / "consent_events.csv", [e for e in events if e["action"] == "grant"])
        (later / "mailtool_unsubscribes.csv").unlink()
        patch.setenv("HYGIENE_VOLUME_BAND", "1")  # no unsubscribe file this night, on purpose
        run_night(settings, LATER)
    return Nights(settings, degraded)


def test_d0_is_held_then_approved(nights):
    manifest = json.loads((nights.output_root / str(D0) / "run_manifest.json").read_text())
    assert manifest["status"] == "published"
    assert manifest["deletion_hold"]["held"] and manifest["deletion_hold"]["approved"]


def test_g5_the_broken_night_honours_its_new_objection_and_deletes_nothing(nights):
    manifest = json.loads((nights.output_root / BROKEN / "run_manifest.json").read_text())
    assert manifest["status"] == "degraded" and manifest["degraded"]["new_stops"] > 0
    assert nights.degraded["deletion_list.csv"] == []
    email = objector_email(nights)
    objected = {(r["channel"], r["purpose"]) for r in nights.degraded["suppression_list.csv"]
                if r["address"] == email and r["reason"] == "objected"}
    assert objected == {("email", "newsletter"), ("email", "offers"), ("email", "partner_offers")}
    assert not [r for r in nights.degraded["marketing_eligibility.csv"] if r["address"] == email]


def test_g5_m8_the_next_good_night_carries_on_from_the_degraded_one(nights):
    """The objection's event is gone from the export of D0 + 2: the state of the degraded night
    remembers it (M8), dated as it arrived."""
    email = objector_email(nights)
    good = {(r["purpose"], r["reason"], r["since"]) for r in rows(nights.output_root / GOOD / "suppression_list.csv")
            if r["address"] == email}
    assert good == {(p, "objected", BROKEN) for p in ("newsletter", "offers", "partner_offers")}
    explain = {r["rule"] for r in rows(nights.output_root / GOOD / "explain" / "address_decisions.parquet")
               if r["address"] == email}
    assert explain == {"M8"}


def test_g3_approved_subjects_still_in_the_extracts_weeks_later_are_overdue(nights):
    approved = {(r["subject_type"], r["subject_id"], r["action"])
                for r in rows(nights.output_root / str(D0) / "deletion_list.csv")
                if r["subject_type"] in ("contact", "booking")}
    folder = nights.output_root / LATER
    overdue = {(r["subject_type"], r["subject_id"], r["action"]): r
               for r in rows(folder / "review" / "overdue_deletions.csv") if r["status"] == "overdue"}
    still_due = {(r["subject_type"], r["subject_id"], r["action"])
                 for r in rows(folder / "explain" / "retention_deadlines.parquet")
                 if r["is_due"] == "true"} & approved
    assert still_due and still_due <= set(overdue)
    assert all(int(overdue[key]["days_overdue"]) >= 41 for key in still_due)
    assert all(overdue[key]["listed_since"] == str(D0) for key in still_due)
    report = (folder / "privacy_report.html").read_text()
    assert 'id="overdue-deletions"' in report and 'data-status="overdue"' in report


def test_g6_a_night_41_days_on_prunes_the_old_runs_address_files(nights):
    output = nights.output_root
    for day in (str(D0), BROKEN):
        folder = output / day
        assert not [name for name in PRUNED if (folder / name).exists()], day
        manifest = json.loads((folder / "run_manifest.json").read_text())
        assert manifest["pruned"]["on"] == LATER and manifest["pruned"]["rule"] == "G6"
        assert "suppression_list.csv" in manifest["pruned"]["removed"]
        assert (folder / "privacy_report.html").is_file() and (folder / "deletion_list.csv").is_file()
    for day in (GOOD, LATER):  # the previous run and the latest keep everything
        assert all((output / day / name).exists() for name in PRUNED), day
    assert not (output / "state" / str(D0)).exists()  # old state snapshots go too


def test_m8_m10_every_objection_is_still_remembered_41_days_on(nights):
    """No stop is left in the extracts of D0 + 41: every stop still known comes from the state."""
    output = nights.output_root
    known = {(r["channel"], r["address"]) for r in rows(output / LATER / "explain" / "address_decisions.parquet")}
    earlier = {s for s in stops(output / GOOD) if (s[0], s[1]) in known}
    assert earlier and earlier <= stops(output / LATER)
    assert state_table(output, GOOD, "tombstones") <= state_table(output, LATER, "tombstones")
