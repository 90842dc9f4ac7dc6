"""The `where`, `explain` and `approve-deletions` subcommands of `hygiene`: output,
exit codes and messages a person can act on."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from airflow_runner import PROJECT_ROOT, airflow_env, ensure_metadata_db
from hygiene.cli import main
from hygiene.command import hygiene_command
from hygiene.settings import embedded_airflow_env
from published_run import D, write_run


@pytest.fixture
def output_root(tmp_path, monkeypatch):
    root = tmp_path / "out"
    for name, value in airflow_env().items():  # the checkout's Airflow, as `make` sets it
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HYGIENE_OUTPUT_DIR", str(root))
    monkeypatch.delenv("HYGIENE_LANGUAGE", raising=False)  # Dutch, the default
    return root


# ---------------------------------------------------------------------------- where


def test_where_prints_the_absolute_path_of_every_contract_file(output_root, capsys):
    folder = write_run(output_root)
    assert main(["where"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Run of {D} (latest): {folder.resolve()}")
    for name in ("suppression_list.csv", "suppression_list_hashed.csv", "suppression_delta.csv",
                 "marketing_eligibility.csv", "deletion_list.csv", "privacy_report.html",
                 "run_manifest.json"):
        assert f"  {folder.resolve() / name}\n" in out, name
    assert "3 rows  " + str(folder.resolve() / "deletion_list.csv") in out
    assert "held" not in out.lower()


def test_g2_where_says_the_deletion_list_is_held_and_how_to_approve(output_root, capsys):
    folder = write_run(output_root, held=True)
    assert main(["where", "--date", D]) == 0
    out = capsys.readouterr().out
    assert f"3 rows  {folder.resolve() / 'held' / 'deletion_list.csv'}" in out
    assert f"The deletion list of {D} is HELD for approval (G2): 1 of 3 contacts" in out
    assert f"{hygiene_command()} approve-deletions --date {D} --by 'YOUR NAME'" in out


def test_g2_where_after_approval_names_who_approved(output_root, capsys):
    write_run(output_root, held=True)
    assert main(["approve-deletions", "--date", D, "--by", "Privacy Officer", "--yes"]) == 0
    capsys.readouterr()
    assert main(["where"]) == 0
    out = capsys.readouterr().out
    assert "HELD" not in out
    assert "was held (G2) and approved by Privacy Officer at " in out


def test_where_without_an_output_folder_names_hygiene_output_dir(output_root, capsys):
    assert main(["where"]) == 1
    err = capsys.readouterr().err
    assert "$HYGIENE_OUTPUT_DIR" in err and str(output_root) in err


def test_where_for_a_date_never_published_lists_the_published_ones(output_root, capsys):
    write_run(output_root)
    assert main(["where", "--date", "2026-11-01"]) == 1
    assert f"No published run for 2026-11-01 in {output_root}" in capsys.readouterr().err


def test_g5_where_says_a_night_is_degraded_and_which_night_was_the_last_full_one(output_root, capsys):
    write_run(output_root, "2026-11-27")
    folder = write_run(output_root)
    manifest = json.loads((folder / "run_manifest.json").read_text())
    manifest |= {"status": "degraded", "degraded": {"failed_task": "load_raw"}}
    (folder / "run_manifest.json").write_text(json.dumps(manifest))
    assert main(["where"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("  DEGRADED (G5): task load_raw failed, so its lists are the "
                               "previous run's with the day's objections and unsubscribes added")
    assert lines[2] == "  The last full night is 2026-11-27."


# ---------------------------------------------------------------------------- explain


@pytest.mark.parametrize(("language", "first_line", "sentence"), [
    ("nl", "Deze uitleg komt uit de nacht van 28 november 2026 (beleid p0licy, code c0de).",
     "- Nieuwsbrieven: toegestaan op grond van toestemming (M4), gegeven op 1 maart 2024"),
    ("en", "This explanation comes from the night of 28 November 2026 (policy p0licy, code c0de).",
     "- Newsletters: allowed on the basis of consent (M4), given on 1 March 2024"),
])
def test_explain_prints_the_letter_of_the_latest_run_in_the_officers_language(
        output_root, capsys, monkeypatch, language, first_line, sentence):
    monkeypatch.setenv("HYGIENE_LANGUAGE", language)
    write_run(output_root)
    assert main(["explain", "--address", " JAN@example.nl"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(first_line + "\n")
    assert sentence in out


def test_r9_explain_finds_a_contact_id_typed_in_lower_case(output_root, capsys):
    write_run(output_root)
    assert main(["explain", "--contact-id", "c1"]) == 0
    assert "\nContact C1 is een klant (M3: " in capsys.readouterr().out


def test_explain_of_an_unknown_subject_exits_1_with_a_clear_message(output_root, capsys):
    write_run(output_root)
    assert main(["explain", "--booking-id", "B404"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Boeking B404 staat niet in de nacht van 28 november 2026" in captured.err


def test_explain_needs_exactly_one_subject(output_root, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["explain", "--address", "a@example.nl", "--booking-id", "B1"])
    assert exit_info.value.code == 2


def test_explain_without_an_output_folder_names_hygiene_output_dir(output_root, capsys):
    assert main(["explain", "--contact-id", "C1"]) == 1
    assert capsys.readouterr().err == (
        f"hygiene: Er is geen uitvoermap {output_root} ($HYGIENE_OUTPUT_DIR): daar is nog niets "
        "gepubliceerd. Laat HYGIENE_OUTPUT_DIR naar de gepubliceerde nachten wijzen, of draai "
        "eerst `make demo` of `make run DATE=JJJJ-MM-DD`.\n")


def test_explain_of_a_night_never_published_says_so_in_the_privacy_officers_language(
    output_root, capsys, monkeypatch
):
    write_run(output_root)
    assert main(["explain", "--contact-id", "C1", "--date", "2026-11-01"]) == 1
    assert capsys.readouterr().err == (  # the nights there are, not the server's folder
        "hygiene: Er is geen gepubliceerde nacht van 1 november 2026. Gepubliceerde nachten: "
        "28 november 2026.\n")
    monkeypatch.setenv("HYGIENE_LANGUAGE", "en")
    assert main(["explain", "--contact-id", "C1", "--date", "2026-11-01"]) == 1
    assert "There is no published night of 1 November 2026" in capsys.readouterr().err


# ---------------------------------------------------------------------------- approve-deletions


def test_g2_approve_deletions_prints_what_it_did_and_refuses_twice(output_root, capsys):
    folder = write_run(output_root, held=True)
    assert main(["approve-deletions", "--date", D, "--by", "Privacy Officer", "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"Deletion list of {D} approved by Privacy Officer" in out
    assert f"3 rows are now {folder.resolve() / 'deletion_list.csv'}" in out
    assert "hygiene_deletion_list" in out  # announced to Airflow, or said why not
    assert main(["approve-deletions", "--date", D, "--by", "Someone Else", "--yes"]) == 1
    assert "approved already" in capsys.readouterr().err
    assert json.loads((folder / "run_manifest.json").read_text())["deletion_hold"]["approved_by"] == "Privacy Officer"


def test_g2_an_approval_typed_by_hand_reaches_the_airflow_of_make_run(output_root, tmp_path):
    """`.venv/bin/hygiene approve-deletions`, run without `make` (no AIRFLOW_* set), tells the
    checkout's Airflow, whose DAGs consume the deletion list, not an empty `~/airflow`."""
    ensure_metadata_db()
    write_run(output_root, held=True)
    home = tmp_path / "home"
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
    env |= {"HOME": str(home), "HYGIENE_OUTPUT_DIR": str(output_root)}
    approval = subprocess.run(
        [sys.executable, "-m", "hygiene", "approve-deletions", "--date", D, "--by", "P. O.",
         "--yes"], env=env, capture_output=True, text=True, check=False,
    )
    assert approval.returncode == 0, approval.stderr
    # told, or told why not by the checkout's migrated database (the Asset is known once a
    # night has been parsed there); never the error of a database without tables
    assert ("Airflow was told that hygiene_deletion_list changed" in approval.stdout
            or "Airflow does not know the Asset hygiene_deletion_list yet" in approval.stdout
            ), approval.stdout
    assert not (home / "airflow").exists()


def test_the_makefile_gives_airflow_what_the_command_line_gives_it():
    """The embedded default is stated twice: in the Makefile (for `airflow standalone`, `airflow
    db migrate`) and in hygiene.settings (for the command run by hand). They must not drift."""
    # the Makefile's own values, not a shell's (AIRFLOW__API__HOST=0.0.0.0 would win its ?=)
    without_airflow = {name: value for name, value in os.environ.items()
                       if not name.startswith("AIRFLOW")}
    printed = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "print-airflow-env: ; @env",
         "print-airflow-env"],
        cwd=PROJECT_ROOT, env=without_airflow, capture_output=True, text=True, check=True,
    ).stdout
    exported = dict(line.split("=", 1) for line in printed.splitlines() if "=" in line)
    assert {name: exported.get(name) for name in embedded_airflow_env()} == embedded_airflow_env()


def test_g2_approve_deletions_needs_the_name_of_who_approves(output_root, capsys):
    write_run(output_root, held=True)
    with pytest.raises(SystemExit):
        main(["approve-deletions", "--date", D, "--yes"])
    assert "--by" in capsys.readouterr().err


def test_g2_approve_deletions_shows_the_counts_and_asks_first(output_root, capsys, monkeypatch):
    folder = write_run(output_root, held=True)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["approve-deletions", "--date", D, "--by", "Privacy Officer"]) == 1
    out = capsys.readouterr().out
    assert "It has 3 rows about 2 bookings, 1 contacts:" in out
    assert "contact delete (R7)" in out
    assert "Approve it as Privacy Officer?" in out
    assert not json.loads((folder / "run_manifest.json").read_text())["deletion_hold"].get("approved")

    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["approve-deletions", "--date", D, "--by", "Privacy Officer"]) == 0
    assert json.loads((folder / "run_manifest.json").read_text())["deletion_hold"]["approved"]


def test_g2_approve_deletions_without_a_terminal_needs_yes(output_root, capsys, monkeypatch):
    folder = write_run(output_root, held=True)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["approve-deletions", "--date", D, "--by", "Privacy Officer"]) == 1
    assert "run it with --yes" in capsys.readouterr().err
    assert not json.loads((folder / "run_manifest.json").read_text())["deletion_hold"].get("approved")
