"""The retention policy as data: `dbt_project/seeds/retention_policy.csv`, read for Python.

The dbt models read the same seed for the periods of R3–R10; this module gives the run the
policy version (G4), every setting with its legal basis and justification in English and Dutch
(privacy report), and the operator guards of CONTRACT.md "Settings", where an environment variable
overrides the policy's default for one run:

    HYGIENE_DELETION_HOLD_SHARE       G2  deletion_hold_share        (default 0.02)
    HYGIENE_MAX_UNPROVEN_GRANT_SHARE  M4  max_unproven_grant_share   (default 0.25)
    HYGIENE_VOLUME_BAND               G1  volume_band                (default 0.3)

The environment is read when `load_policy` is called, never at import.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from dateutil.relativedelta import relativedelta

from hygiene.errors import HygieneError

POLICY_CHOICE = "policy choice"
POLICY_CHOICE_NL = "beleidskeuze"

COLUMNS = (
    "policy_key",
    "amount",
    "unit",
    "rule",
    "legal_basis",
    "legal_basis_nl",
    "justification_en",
    "justification_nl",
)
PERIOD_UNITS = ("years", "months", "days")
SHARE_UNIT = "share"

# Every setting the models and the guards read (RULES.md R3–R10, M4, G1–G3).
PERIOD_KEYS = (
    "minimize_after_travel_end",  # R3
    "fiscal_retention_after_book_year",  # R4
    "unconfirmed_booking_retention",  # R5
    "prospect_inactivity_retention",  # R7
    "prospect_retention_after_objection",  # R7
    "consent_evidence_retention",  # R10
    "overdue_deletion_days",  # G3
    "published_run_retention",  # G6
    "deletion_approval_time",  # G2: how long the approval DAG waits for an answer
)
SHARE_KEYS = ("deletion_hold_share", "max_unproven_grant_share", "volume_band")

# CONTRACT.md "Settings": the guards an operator may override per run.
ENVIRONMENT_OVERRIDES = {
    "deletion_hold_share": "HYGIENE_DELETION_HOLD_SHARE",
    "max_unproven_grant_share": "HYGIENE_MAX_UNPROVEN_GRANT_SHARE",
    "volume_band": "HYGIENE_VOLUME_BAND",
}


class PolicyError(HygieneError):
    """The retention policy file or an override is unusable: nothing runs on a guessed policy."""


@dataclass(frozen=True)
class Setting:
    """One row of the policy: a period or a share, with why it has this value."""

    policy_key: str
    amount: Decimal
    unit: str  # years | months | days | share
    rule: str  # R3 … R10, M4, G1 … G3
    legal_basis: str  # the law, or "policy choice"
    legal_basis_nl: str  # the same in Dutch: the law, or "beleidskeuze"
    justification_en: str
    justification_nl: str

    @property
    def is_policy_choice(self) -> bool:
        return self.legal_basis.strip().lower() == POLICY_CHOICE

    @property
    def is_period(self) -> bool:
        return self.unit in PERIOD_UNITS

    def describe(self) -> str:
        """`2 years`, `30 days`, `0.02 share`."""
        return f"{self.amount.normalize():f} {self.unit}"


@dataclass(frozen=True)
class Policy:
    """The policy of one run: its version, its settings, and the guards as they apply now."""

    version: str  # first 12 hex of the SHA-256 of the seed file's bytes (G4)
    path: Path
    settings: tuple[Setting, ...]  # in file order, as the privacy report lists them
    deletion_hold_share: float  # G2
    max_unproven_grant_share: float  # M4
    volume_band: float  # G1
    overdue_deletion_days: int  # G3
    # guard key -> environment variable that overrode the policy's default in this run
    overrides: Mapping[str, str] = field(default_factory=dict)

    def setting(self, policy_key: str) -> Setting:
        for setting in self.settings:
            if setting.policy_key == policy_key:
                return setting
        raise KeyError(policy_key)

    def before(self, day: date, policy_key: str) -> date:
        """`day` minus the period `policy_key` ("+ 1 month" from 31 March is 30 April, "Terms")."""
        setting = self.setting(policy_key)
        return day - relativedelta(**{setting.unit: int(setting.amount)})


def current_policy() -> Policy:
    """The policy of the checkout (`dbt_project/seeds/retention_policy.csv`) with the operator's
    overrides from the environment, read now."""
    from hygiene.settings import POLICY_SEED

    return load_policy(POLICY_SEED)


def load_policy(seed_csv: Path, environ: Mapping[str, str] | None = None) -> Policy:
    """Read the policy seed; apply the guard overrides of `environ` (default: `os.environ`).

    Raises PolicyError, naming the file, the setting and what to fix, when the file is
    missing, a setting is absent or malformed, or an override is not a usable number.
    """
    environ = os.environ if environ is None else environ
    try:
        content = seed_csv.read_bytes()
    except OSError as error:
        raise PolicyError(
            f"{seed_csv}: the retention policy cannot be read ({error.strerror}). Restore "
            "dbt_project/seeds/retention_policy.csv from version control."
        ) from error
    settings = _parse(seed_csv, content)
    by_key = {setting.policy_key: setting for setting in settings}

    guards: dict[str, float] = {}
    overrides: dict[str, str] = {}
    for key in SHARE_KEYS:
        variable = ENVIRONMENT_OVERRIDES[key]
        raw = environ.get(variable, "").strip()
        if raw:
            guards[key] = _override(variable, raw)
            overrides[key] = variable
        else:
            guards[key] = float(by_key[key].amount)

    return Policy(
        version=hashlib.sha256(content).hexdigest()[:12],
        path=seed_csv,
        settings=settings,
        deletion_hold_share=guards["deletion_hold_share"],
        max_unproven_grant_share=guards["max_unproven_grant_share"],
        volume_band=guards["volume_band"],
        overdue_deletion_days=int(by_key["overdue_deletion_days"].amount),
        overrides=overrides,
    )


def _parse(path: Path, content: bytes) -> tuple[Setting, ...]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyError(
            f"{path}: not UTF-8 text (byte {error.start}). Save it as UTF-8."
        ) from error
    reader = csv.DictReader(io.StringIO(text))
    missing_columns = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing_columns:
        raise PolicyError(
            f"{path}, header: column(s) {', '.join(missing_columns)} missing; the policy needs "
            f"{', '.join(COLUMNS)}."
        )

    settings: list[Setting] = []
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        key = values["policy_key"]
        try:
            amount = Decimal(values["amount"])
        except InvalidOperation:
            problems.append(f"line {line} ({key or 'no key'}): amount is not a number")
            continue
        setting = Setting(
            policy_key=key,
            amount=amount,
            unit=values["unit"],
            rule=values["rule"],
            legal_basis=values["legal_basis"],
            legal_basis_nl=values["legal_basis_nl"],
            justification_en=values["justification_en"],
            justification_nl=values["justification_nl"],
        )
        problems.extend(f"line {line} ({key or 'no key'}): {p}" for p in _problems(setting))
        settings.append(setting)

    keys = [setting.policy_key for setting in settings]
    problems.extend(
        f"{key}: listed more than once" for key in sorted({k for k in keys if keys.count(k) > 1})
    )
    problems.extend(f"{key}: missing" for key in (*PERIOD_KEYS, *SHARE_KEYS) if key not in keys)
    by_key = {setting.policy_key: setting for setting in settings}
    problems.extend(
        f"{key}: must be a period ({'/'.join(PERIOD_UNITS)})"
        for key in PERIOD_KEYS
        if key in by_key and not by_key[key].is_period
    )
    problems.extend(
        f"{key}: must be a share"
        for key in SHARE_KEYS
        if key in by_key and by_key[key].unit != SHARE_UNIT
    )
    if problems:
        raise PolicyError(
            f"{path}: the retention policy is unusable, so nothing runs on it. Fix the file:\n- "
            + "\n- ".join(problems)
        )
    return tuple(settings)


def _problems(setting: Setting) -> list[str]:
    problems = []
    if not setting.policy_key:
        problems.append("policy_key is empty")
    if setting.unit not in (*PERIOD_UNITS, SHARE_UNIT):
        problems.append(f"unit must be one of {', '.join((*PERIOD_UNITS, SHARE_UNIT))}")
    elif setting.unit in PERIOD_UNITS and (
        setting.amount <= 0 or setting.amount != setting.amount.to_integral_value()
    ):
        problems.append("a period is a whole number above 0")
    elif setting.unit == SHARE_UNIT and setting.amount < 0:
        problems.append("a share is 0 or more")
    if not setting.rule:
        problems.append("rule is empty")
    if not setting.legal_basis or not setting.legal_basis_nl:
        problems.append(
            f'legal_basis or legal_basis_nl is empty (name the law, or write "{POLICY_CHOICE}" '
            f'and "{POLICY_CHOICE_NL}")'
        )
    elif setting.is_policy_choice != (setting.legal_basis_nl.lower() == POLICY_CHOICE_NL):
        problems.append(
            f'legal_basis and legal_basis_nl disagree: "{POLICY_CHOICE}" in one is '
            f'"{POLICY_CHOICE_NL}" in the other'
        )
    if not setting.justification_en or not setting.justification_nl:
        problems.append("both justifications (justification_en, justification_nl) are required")
    return problems


def _override(variable: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value >= 0 or value == float("inf"):
        raise PolicyError(
            f"{variable} must be a number of 0 or more (a share: 0.02 is 2 %); unset it to use "
            "the policy's default."
        )
    return value
