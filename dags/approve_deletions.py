"""
### approve_deletions: a person decides about a held deletion list (G2)

retention_nightly never waits for a person (CONTRACT.md "Running it"): when G2 holds the night's
deletion list it publishes everything else and announces the Asset
`hygiene_held_deletion_list`. That starts this DAG, which asks in Airflow's **Required actions**
(human in the loop) with the counts by rule and links to the held list and the report:

- **Approve**: the held list becomes D's `deletion_list.csv`, exactly as
  `hygiene approve-deletions` does it; who approved is the Airflow user who answered. The
  deletion list's Asset is announced.
- **Reject**: recorded in D's manifest and report; nothing is deleted.
- **No answer** within the policy's `deletion_approval_time`: the list stays held (nothing is
  deleted); it can still be approved on the command line.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.providers.standard.operators.hitl import ApprovalOperator
from airflow.sdk import Asset, Param, TriggerRule, dag, task

from hygiene import assets
from hygiene.policy import current_policy

DAG_ID = "approve_deletions"
HELD_DELETION_LIST = Asset(name=assets.HELD_DELETION_LIST)
DELETION_LIST = Asset(name=assets.DELETION_LIST)
# Read when the DAG file is parsed: the seed is a small CSV.
RESPONSE_TIME = timedelta(days=int(current_policy().setting("deletion_approval_time").amount))


@dag(
    dag_id=DAG_ID,
    schedule=[HELD_DELETION_LIST],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    doc_md=__doc__,
    params={
        "run_date": Param(
            None, type=["null", "string"], format="date",
            description="D of the held list (YYYY-MM-DD); empty: the night that announced it.",
        )
    },
    default_args={"retries": 0},
    tags=["privacy", "retention", "approval"],
)
def approve_deletions():
    @task
    def describe_held_list(*, params, triggering_asset_events) -> dict:
        """Which night's held list is to be decided, and the question about it (counts by rule,
        links). Fails when that night has nothing held any more (decided already)."""
        from hygiene.approve import approval_request, held_list
        from hygiene.settings import Settings

        run_date = params.get("run_date") or next(
            event.extra["run_date"]
            for events in triggering_asset_events.values()
            for event in events
        )
        subject, body = approval_request(held_list(Settings.from_env().output_root, run_date))
        return {"run_date": run_date, "subject": subject, "body": body}

    question = describe_held_list()

    review = ApprovalOperator(
        task_id="review",
        subject="{{ ti.xcom_pull(task_ids='describe_held_list')['subject'] }}",
        body="{{ ti.xcom_pull(task_ids='describe_held_list')['body'] }}",
        # no answer in time: Reject is applied by the scheduler with no responder, which the
        # next task reads as "still held" (nothing is deleted)
        defaults="Reject",
        response_timeout=RESPONSE_TIME,
    )

    @task(outlets=[DELETION_LIST])
    def publish_approved(described: dict, *, ti, outlet_events) -> dict:
        """Approve was chosen: publishes the held list as D's deletion list and records who
        (the Airflow user who answered) and when. Skipped on Reject or without an answer."""
        from hygiene.approve import approve_deletions as approve
        from hygiene.settings import Settings

        answer = ti.xcom_pull(task_ids="review")
        approval = approve(
            Settings.from_env().output_root, described["run_date"],
            answer["responded_by_user"]["name"],
        )
        extra = {"run_date": approval.run_date, "status": "approved",
                 "path": str(approval.deletion_list.parent), "rows": approval.rows}
        outlet_events[DELETION_LIST].extra = extra
        return extra

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def record_rejection(described: dict, *, ti) -> str:
        """Reject was chosen by a person: records who and when in D's manifest and report,
        nothing is deleted. Without an answer (the default applied at the deadline) the list
        stays held and nothing is recorded."""
        from hygiene.approve import reject_deletions
        from hygiene.settings import Settings

        answer = ti.xcom_pull(task_ids="review") or {}
        if "Reject" not in (answer.get("chosen_options") or []):
            return "approved"
        if not answer.get("responded_by_user"):
            return f"no answer within {RESPONSE_TIME.days} days: the list stays held"
        reject_deletions(Settings.from_env().output_root, described["run_date"],
                         answer["responded_by_user"]["name"])
        return "rejected"

    approved = publish_approved(question)
    question >> review >> approved >> record_rejection(question)


approve_deletions()
