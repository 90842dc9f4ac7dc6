"""The Airflow Assets a night publishes, and how an act outside a task announces one.

Other DAGs depend on the published files through these Assets, never on the tables of the
disposable warehouse: the mail-tool delivery on the suppression list, a deletion consumer on the
deletion list. An approval (`hygiene approve-deletions`, G2) publishes a deletion list long after
the night's tasks ended, and `make run` publishes a stopped night's degraded update (G5,
hygiene.stopped_night) after Airflow has ended, so each announces its Assets itself, through
Airflow's metadata database (the embedded one of `make`, or the one
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN names). Every event
carries where the night is, its status and its counts (never data).
"""

from __future__ import annotations

from typing import NamedTuple

SUPPRESSION_LIST = "hygiene_suppression_list"
DELETION_LIST = "hygiene_deletion_list"
PRIVACY_REPORT = "hygiene_privacy_report"
# A deletion list G2 held for a person's decision: starts the approval DAG (dags/approve_deletions.py).
HELD_DELETION_LIST = "hygiene_held_deletion_list"
# What every published night announces, a full one or a degraded one (G5); the suppression list
# first: the mail tools' delivery (dags/deliver_exports.py) follows it.
PUBLISHED_NIGHT = (SUPPRESSION_LIST, PRIVACY_REPORT)


class Announced(NamedTuple):
    """Whether Airflow recorded the event (its consumer DAGs that are switched on are then
    queued), and a sentence saying so, or what is missing, for a person."""

    told: bool
    sentence: str


def published_extra(manifest: dict, folder: str) -> dict:
    """What an Asset event of a published night carries: where, what status, how many rows."""
    rows = manifest.get("outputs", {}).get("rows", {})
    return {
        "run_date": manifest["run_date"],
        "status": manifest.get("status"),
        "path": folder,
        "rows": {name: rows[name] for name in (
            "suppression_list.csv", "marketing_eligibility.csv", "deletion_list.csv",
            "held/deletion_list.csv") if name in rows},
    }


def announce(asset_name: str, extra: dict) -> Announced:
    """Record an event of the Asset `asset_name` with `extra` (paths, counts, status; never
    data); say whether Airflow was told, so that the caller can tell a person."""
    try:
        from airflow.assets.manager import asset_manager
        from airflow.models.asset import AssetModel
        from airflow.utils.session import create_session
        from sqlalchemy import select

        with create_session() as session:
            asset = session.scalar(select(AssetModel).where(AssetModel.name == asset_name))
            if asset is None:
                return Announced(False, (
                    f"Airflow does not know the Asset {asset_name} yet (the nightly DAG has not "
                    "been parsed into its database): no consumer DAG was started."
                ))
            asset_manager.register_asset_change(asset=asset, extra=extra, session=session)
    except Exception as error:  # noqa: BLE001 - what was published stands; say what is missing
        return Announced(False, (
            f"The Asset {asset_name} could not be announced to Airflow ({type(error).__name__}): "
            "start its consumers by hand."
        ))
    return Announced(True, (
        f"Airflow was told that {asset_name} changed: its consumer DAGs that are switched on are "
        "queued (a scheduler runs them: `make ui`, or production)."
    ))
