"""The retention policy as data: the seed read for Python (R3–R10, G1–G3, M4, G4 version)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from hygiene.policy import PERIOD_KEYS, SHARE_KEYS, PolicyError, load_policy

SEED = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "retention_policy.csv"
OVERRIDE_VARIABLES = (
    "HYGIENE_DELETION_HOLD_SHARE",
    "HYGIENE_MAX_UNPROVEN_GRANT_SHARE",
    "HYGIENE_VOLUME_BAND",
)


@pytest.fixture(autouse=True)
def no_overrides(monkeypatch):
    """Each test starts from the policy's defaults, whatever the developer's shell exports."""
    for variable in OVERRIDE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    path = tmp_path / "retention_policy.csv"
    path.write_bytes(SEED.read_bytes())
    return path


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_g4_version_is_first_12_hex_of_the_seed_sha256():
    policy = load_policy(SEED)
    assert policy.version == hashlib.sha256(SEED.read_bytes()).hexdigest()[:12]
    assert len(policy.version) == 12
    int(policy.version, 16)


def test_g4_version_changes_when_a_period_changes(seed_copy):
    before = load_policy(seed_copy).version
    rewrite(seed_copy, "minimize_after_travel_end,2,years", "minimize_after_travel_end,3,years")
    after = load_policy(seed_copy)
    assert after.version != before
    assert after.setting("minimize_after_travel_end").amount == Decimal(3)


def test_r3_to_r10_periods_have_their_rule_amount_and_basis():
    policy = load_policy(SEED)
    expected = {
        "minimize_after_travel_end": ("R3", "2 years"),
        "fiscal_retention_after_book_year": ("R4", "7 years"),
        "unconfirmed_booking_retention": ("R5", "12 months"),
        "prospect_inactivity_retention": ("R7", "12 months"),
        "prospect_retention_after_objection": ("R7", "30 days"),
        "consent_evidence_retention": ("R10", "5 years"),
    }
    for key, (rule, period) in expected.items():
        setting = policy.setting(key)
        assert (setting.rule, setting.describe()) == (rule, period), key
    assert "AWR art. 52" in policy.setting("fiscal_retention_after_book_year").legal_basis
    assert not policy.setting("minimize_after_travel_end").is_policy_choice
    assert "Awb art. 5:45" in policy.setting("consent_evidence_retention").justification_en


def test_r5_r7_r10_and_the_guards_are_printed_as_policy_choice():
    policy = load_policy(SEED)
    for key in (
        "unconfirmed_booking_retention",
        "prospect_inactivity_retention",
        "prospect_retention_after_objection",
        "consent_evidence_retention",
        *SHARE_KEYS,
        "overdue_deletion_days",
    ):
        assert policy.setting(key).legal_basis == "policy choice", key


def test_every_setting_has_a_legal_basis_and_both_justifications():
    policy = load_policy(SEED)
    assert {s.policy_key for s in policy.settings} >= {*PERIOD_KEYS, *SHARE_KEYS}
    for setting in policy.settings:
        assert setting.legal_basis and setting.justification_en and setting.justification_nl
        # the privacy report prints the basis in its reader's language (AVG art. 13(2)(a))
        assert (setting.legal_basis_nl == "beleidskeuze") == setting.is_policy_choice


def test_a_policy_choice_in_one_language_only_is_refused(seed_copy):
    rewrite(seed_copy, "R5,policy choice,beleidskeuze", "R5,policy choice,AWR art. 52")
    with pytest.raises(PolicyError, match="unconfirmed_booking_retention.*disagree"):
        load_policy(seed_copy)


def test_contract_settings_defaults_come_from_the_policy():
    policy = load_policy(SEED)
    assert policy.deletion_hold_share == 0.02
    assert policy.max_unproven_grant_share == 0.25
    assert policy.volume_band == 0.3
    assert policy.overdue_deletion_days == 30
    assert policy.overrides == {}


def test_environment_overrides_the_guards_when_loaded_not_at_import(monkeypatch):
    load_policy(SEED)  # the module is imported and used before the variables are set
    monkeypatch.setenv("HYGIENE_DELETION_HOLD_SHARE", "1")
    monkeypatch.setenv("HYGIENE_MAX_UNPROVEN_GRANT_SHARE", "0.5")
    monkeypatch.setenv("HYGIENE_VOLUME_BAND", " 0.45 ")
    policy = load_policy(SEED)
    assert policy.deletion_hold_share == 1.0
    assert policy.max_unproven_grant_share == 0.5
    assert policy.volume_band == 0.45
    assert policy.overrides == {
        "deletion_hold_share": "HYGIENE_DELETION_HOLD_SHARE",
        "max_unproven_grant_share": "HYGIENE_MAX_UNPROVEN_GRANT_SHARE",
        "volume_band": "HYGIENE_VOLUME_BAND",
    }
    # an override changes the run's guard, not the policy file or its version
    assert policy.version == load_policy(SEED, environ={}).version
    assert policy.setting("deletion_hold_share").amount == Decimal("0.02")


def test_an_empty_override_falls_back_to_the_default(monkeypatch):
    monkeypatch.setenv("HYGIENE_VOLUME_BAND", "")
    assert load_policy(SEED).volume_band == 0.3


@pytest.mark.parametrize("value", ["2%", "-0.1", "nan", "inf", "twee"])
def test_an_unusable_override_fails_with_the_variable_named(monkeypatch, value):
    monkeypatch.setenv("HYGIENE_DELETION_HOLD_SHARE", value)
    with pytest.raises(PolicyError, match="HYGIENE_DELETION_HOLD_SHARE"):
        load_policy(SEED)


def test_a_missing_setting_fails_closed(seed_copy):
    lines = seed_copy.read_text(encoding="utf-8").splitlines(keepends=True)
    seed_copy.write_text(
        "".join(line for line in lines if not line.startswith("consent_evidence_retention,")),
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="consent_evidence_retention: missing"):
        load_policy(seed_copy)


def test_a_fractional_period_is_refused(seed_copy):
    rewrite(
        seed_copy,
        "unconfirmed_booking_retention,12,months",
        "unconfirmed_booking_retention,1.5,months",
    )
    with pytest.raises(PolicyError, match="unconfirmed_booking_retention.*whole number"):
        load_policy(seed_copy)


def test_a_setting_without_legal_basis_is_refused(seed_copy):
    rewrite(seed_copy, "R5,policy choice,", "R5,,")
    with pytest.raises(PolicyError, match='legal_basis or legal_basis_nl is empty.*"policy choice"'):
        load_policy(seed_copy)


def test_a_missing_policy_file_says_what_to_do(tmp_path):
    with pytest.raises(PolicyError, match="cannot be read.*Restore"):
        load_policy(tmp_path / "retention_policy.csv")
