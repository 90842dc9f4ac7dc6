"""
### deliver_exports: hand the latest suppression list to the mail tools

Runs each time a night publishes a suppression list (Asset `hygiene_suppression_list`: a
full night, a degraded one, or `make run`'s update after a stop). It takes the mail-tool exports of the latest published run
(`$HYGIENE_OUTPUT_DIR/latest/exports/`, CONTRACT.md "Mail-tool exports"), whatever the run's
status (`published`, `held`, `degraded`), and:

- copies them to the outbox `$HYGIENE_EXPORT_OUTBOX` (a local folder or an object-storage URL
  such as `s3://bucket/prefix`, with the Airflow connection `$HYGIENE_EXPORT_OUTBOX_CONN_ID`),
  each file atomically, unchanged files left alone, `outbox_manifest.json` last;
- pushes the Brevo export to Brevo's blocklist (Airflow HTTP connection
  `$HYGIENE_BREVO_CONN_ID`) and the SendGrid export to SendGrid's global suppressions
  (`$HYGIENE_SENDGRID_CONN_ID`).

A step whose variable is unset is skipped, and its log says what to set. Every step is safe to
repeat: clear a failed task once its cause is fixed.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import Asset, dag, task

from hygiene import assets
from hygiene.settings import Settings

DAG_ID = "deliver_exports"
# An outlet of retention_nightly's `publish` and `publish_degraded`, and announced by `make run`'s
# update after a stop (hygiene.stopped_night).
SUPPRESSION_LIST = Asset(name=assets.SUPPRESSION_LIST)


@dag(
    dag_id=DAG_ID,
    schedule=[SUPPRESSION_LIST],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    default_args={"retries": 2, "retry_delay": pendulum.duration(minutes=10)},
    tags=["privacy", "marketing", "delivery"],
)
def deliver_exports():
    @task
    def find_latest_exports() -> str:
        """Finds the latest published run (`latest`, links followed) and checks it has exports.

        Fails when nothing is published yet, or the run has no `exports/` folder: it was
        published with HYGIENE_MAIL_TOOLS=none. Set the tools and run retention_nightly again.
        """
        from hygiene.exports.delivery import find_exports

        exports = find_exports(Settings.from_env().output_root)
        print(f"Delivering the exports of {exports.run_date} (status {exports.status}).")
        return exports.run_date

    @task
    def deliver_to_outbox(run_date: str) -> dict:
        """Copies the exports to $HYGIENE_EXPORT_OUTBOX; skipped when it is not set.

        Fails when the outbox cannot be written (path, bucket, permissions or the connection
        $HYGIENE_EXPORT_OUTBOX_CONN_ID) or an export differs from its run manifest (then publish
        D again). Files already delivered stay valid; clear the task when fixed.
        """
        from airflow.sdk.exceptions import AirflowSkipException

        from hygiene.exports.delivery import (
            OUTBOX_CONN_VARIABLE,
            OUTBOX_VARIABLE,
            deliver_to_outbox,
            find_exports,
            outbox_path,
        )

        location = os.environ.get(OUTBOX_VARIABLE)
        if not location:
            raise AirflowSkipException(
                f"{OUTBOX_VARIABLE} is not set, so the exports stay in the published run only. "
                f"Set it to a folder or a URL such as s3://bucket/prefix (credentials in the "
                f"Airflow connection named by {OUTBOX_CONN_VARIABLE}) to deliver them."
            )
        exports = find_exports(Settings.from_env().output_root, run_date)
        outbox = outbox_path(location, os.environ.get(OUTBOX_CONN_VARIABLE))
        return deliver_to_outbox(exports, outbox).summary()

    @task
    def push_to_brevo(run_date: str) -> dict:
        """Imports the Brevo export into Brevo as blocklisted contacts; skipped when
        $HYGIENE_BREVO_CONN_ID is not set.

        Fails on a refused request: the log names the HTTP status and what to check (the API
        key in the connection's password, `list_ids` in its extra). Repeating it is harmless.
        """
        from airflow.sdk import BaseHook
        from airflow.sdk.exceptions import AirflowSkipException

        from hygiene.exports.delivery import (
            BREVO_API,
            BREVO_CONN_VARIABLE,
            api_target,
            find_exports,
            purposes_option,
            push_to_brevo,
        )

        conn_id = os.environ.get(BREVO_CONN_VARIABLE)
        if not conn_id:
            raise AirflowSkipException(
                f"{BREVO_CONN_VARIABLE} is not set: nothing is pushed to Brevo. Set it to an "
                'Airflow HTTP connection with the API key as password and {"list_ids": [..]} '
                "as extra to push."
            )
        target = api_target(BaseHook.get_connection(conn_id), BREVO_API)
        exports = find_exports(Settings.from_env().output_root, run_date)
        return push_to_brevo(exports, target, purposes_option(target))

    @task
    def push_to_sendgrid(run_date: str) -> dict:
        """Adds the SendGrid export to SendGrid's global suppressions; skipped when
        $HYGIENE_SENDGRID_CONN_ID is not set.

        Fails on a refused request: the log names the HTTP status and what to check (the API
        key in the connection's password needs the suppressions permission). Repeating it is
        harmless.
        """
        from airflow.sdk import BaseHook
        from airflow.sdk.exceptions import AirflowSkipException

        from hygiene.exports.delivery import (
            SENDGRID_API,
            SENDGRID_CONN_VARIABLE,
            api_target,
            find_exports,
            purposes_option,
            push_to_sendgrid,
        )

        conn_id = os.environ.get(SENDGRID_CONN_VARIABLE)
        if not conn_id:
            raise AirflowSkipException(
                f"{SENDGRID_CONN_VARIABLE} is not set: nothing is pushed to SendGrid. Set it to "
                "an Airflow HTTP connection with the API key as password to push."
            )
        target = api_target(BaseHook.get_connection(conn_id), SENDGRID_API)
        exports = find_exports(Settings.from_env().output_root, run_date)
        return push_to_sendgrid(exports, target, purposes_option(target))

    run_date = find_latest_exports()
    deliver_to_outbox(run_date)
    push_to_brevo(run_date)
    push_to_sendgrid(run_date)


deliver_exports()
