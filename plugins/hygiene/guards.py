"""Guards that protect the data when the input is wrong (RULES.md G2)."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from hygiene.load import connect

# G2 "far above the recent norm": the policy choice is more than this many times the median of
# the last runs, once there are enough of them to have a norm.
NORM_FACTOR = 3.0
NORM_RUNS = 7
NORM_MIN_RUNS = 3


@dataclass(frozen=True)
class DeletionHold:
    held: bool
    reason: str
    contact_deletions: int
    contacts: int
    share: float
    max_share: float
    recent_median: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def recent_contact_deletions(nights: list[dict], runs: int = NORM_RUNS) -> list[int]:
    """Contact deletions of the last nights before D that computed a deletion list (published
    or held; a degraded night has none), from the state's `runs.csv` (hygiene.state)."""
    counts = [
        int(night["contact_deletions"])
        for night in nights
        if night.get("status") in ("published", "held") and night.get("contact_deletions")
    ]
    return counts[-runs:]


def decide_deletion_hold(warehouse: Path, max_share: float, history: list[int]) -> DeletionHold:
    """G2: hold a deletion list naming more than `max_share` of the contacts, or far above the
    recent norm, for a person's approval instead of publishing it."""
    with connect(warehouse, read_only=True) as connection:
        contact_deletions, contacts = connection.execute(
            """
            select
                (select count(distinct subject_id) from marts.deletion_list
                 where subject_type = 'contact' and action = 'delete'),
                (select count(*) from staging.stg_crm__contacts)
            """
        ).fetchone()
    share = contact_deletions / contacts if contacts else 0.0
    median = statistics.median(history) if len(history) >= NORM_MIN_RUNS else None
    reasons = []
    if max_share < 1 and share > max_share:
        reasons.append(
            f"{contact_deletions:,} of {contacts:,} contacts ({share:.1%}) are due for deletion, "
            f"more than the configured {max_share:.1%}"
        )
    if median is not None and contact_deletions > NORM_FACTOR * max(median, 1):
        reasons.append(
            f"{contact_deletions:,} contact deletions is more than {NORM_FACTOR:g}× the median "
            f"({median:g}) of the last {len(history)} runs"
        )
    return DeletionHold(
        held=bool(reasons),
        reason="; ".join(reasons),
        contact_deletions=contact_deletions,
        contacts=contacts,
        share=round(share, 6),
        max_share=max_share,
        recent_median=median,
    )
