"""Alerts to the data team, through Airflow's SMTP notifier: a failed night, a degraded night
(G5), a deletion list held for approval (G2), and extracts that have not arrived by 07:00.

Off by default: alerts are sent only when `HYGIENE_ALERT_EMAIL` names recipients; the mail
server is Airflow's connection `smtp_default` (e.g. `AIRFLOW_CONN_SMTP_DEFAULT`). The messages
say what happened and what to do in counts and task names, never data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from html import escape

from airflow.providers.smtp.notifications.smtp import SmtpNotifier

ALERT_VARIABLE = "HYGIENE_ALERT_EMAIL"
FAILED, HELD, LATE = "failed", "held", "late"
EXTRACTS_DEADLINE = "07:00"


def recipients(environ: Mapping[str, str] | None = None) -> list[str]:
    environ = os.environ if environ is None else environ
    return [address.strip() for address in environ.get(ALERT_VARIABLE, "").split(",") if address.strip()]


def alerts(kind: str, environ: Mapping[str, str] | None = None) -> list[NightAlert]:
    """The callbacks of one kind of alert: none when alerts are off."""
    to = recipients(environ)
    return [NightAlert(kind, to)] if to else []


class NightAlert(SmtpNotifier):
    """An e-mail about one night, composed when it is sent from what the night recorded."""

    def __init__(self, kind: str, to: list[str]):
        super().__init__(to=to, subject="", html_content="")
        self.kind = kind

    def notify(self, context) -> None:
        run_date = context["ti"].xcom_pull(task_ids="resolve_run_date")
        message = compose(self.kind, run_date, context["run_id"])
        if message is None:
            return
        self.subject, self.html_content = message
        super().notify(context)


def compose(kind: str, run_date: str, run_id: str) -> tuple[str, str] | None:
    """(subject, body) of the alert; None when another alert already said it."""
    from hygiene.attempts import Attempt
    from hygiene.settings import Settings
    from hygiene.summary import first_sentences

    if kind == LATE:
        return (
            f"Privacy night {run_date}: extracts not arrived by {EXTRACTS_DEADLINE}",
            (f"<p>The landing folder of {run_date} has no <code>_READY</code> at "
            f"{EXTRACTS_DEADLINE} (Europe/Amsterdam). Nothing was published; yesterday's lists "
            "stay. Ask the CRM and booking teams for the exports, then rerun "
            f"<code>make run DATE={run_date}</code> (or clear the night in Airflow).</p>"),
        )
    journal = Attempt(Settings.from_env(), run_date, run_id).read_journal()
    if kind == HELD:
        published = journal.get("published", "")
        return (
            f"Privacy night {run_date}: deletion list held for approval (G2)",
            (f"<p>The deletion list of {run_date} is larger than usual and was not published. "
            "Review it and approve or reject it in Airflow (Required actions, DAG "
            "<code>approve_deletions</code>) or with <code>hygiene approve-deletions --date "
            f"{run_date} --by NAME</code>. Everything else was published: {published}</p>"),
        )
    if journal.get("failed_task") == "wait_for_extracts":
        return None  # the late-extracts alert said it
    failure = escape(first_sentences(journal.get("failure") or "see the task log"))
    if journal.get("outcome") == "degraded":
        what = (f"A degraded night was published (G5): the previous suppression list plus the "
                f"night's objections, no deletion list ({journal.get('published')}).")
        subject = f"Privacy night {run_date} DEGRADED: {journal.get('failed_task')} failed"
    else:
        what = f"Nothing was published; the previous lists stay. {journal.get('degraded', '')}"
        subject = f"Privacy night {run_date} FAILED: {journal.get('failed_task')}"
    return (
        subject,
        (f"<p>Task <code>{journal.get('failed_task')}</code> failed: {failure}</p><p>{what}</p>"
        f"<p>Repair what it names and rerun {run_date}; a good run replaces a degraded one.</p>"),
    )
