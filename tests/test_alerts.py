"""Alerts (issue "Operations"): a failed night, a degraded night (G5), a held deletion list (G2)
and late extracts reach the data team by e-mail through Airflow's SMTP notifier, when configured;
off by default. A local SMTP server started by the test receives them."""

from __future__ import annotations

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from hygiene.alerts import FAILED, HELD, LATE, alerts
from hygiene.attempts import Attempt
from hygiene.settings import Settings

D = "2026-11-28"
RUN_ID = "scheduled__2026-11-28T02:00:00+00:00"


class Inbox:
    """An aiosmtpd handler that keeps what it receives: (recipients, message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.original_content)))
        return "250 OK"


def free_port() -> int:
    # aiosmtpd's Controller checks it is up by connecting to its port, so it needs a real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch, tmp_path):
    received = Inbox()
    port = free_port()
    server = Controller(received, hostname="127.0.0.1", port=port)
    server.start()  # returns once the server answers
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT",
                       f"smtp://127.0.0.1:{port}?from_email=nacht%40example.nl"
                       "&disable_ssl=true&disable_tls=true")
    monkeypatch.setenv("HYGIENE_ALERT_EMAIL", "data-team@example.nl, dpo@example.nl")
    monkeypatch.setenv("HYGIENE_OUTPUT_DIR", str(tmp_path / "output"))
    yield received
    server.stop()


class TaskInstance:
    def xcom_pull(self, task_ids):
        assert task_ids == "resolve_run_date"
        return D


def send(kind: str) -> None:
    [alert] = alerts(kind)
    alert.notify({"ti": TaskInstance(), "run_id": RUN_ID, "dag": None})


def journal(**facts) -> None:
    Attempt(Settings.from_env(), D, RUN_ID).record(**facts)


def test_alerts_are_off_unless_recipients_are_configured(monkeypatch):
    monkeypatch.delenv("HYGIENE_ALERT_EMAIL", raising=False)
    assert alerts(FAILED) == []


def test_a_degraded_night_is_alerted_with_what_failed_and_what_was_published(inbox):
    journal(failed_task="load_raw", outcome="degraded", published="/out/2026-11-28",
            failure="1 problem(s) in the extracts of /in; fix it:\n- bookings.csv, row 5 (line 6), "
                    "column booked_at: not an ISO 8601 timestamp (1 row(s) in all)")
    send(FAILED)
    [(to, message)] = inbox.messages
    assert to == ["data-team@example.nl", "dpo@example.nl"]
    assert message["Subject"] == f"Privacy night {D} DEGRADED: load_raw failed"
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "bookings.csv, row 5 (line 6), column booked_at" in body
    assert "A degraded night was published (G5)" in body


def test_a_failed_night_with_nothing_published_says_so(inbox):
    journal(failed_task="check_marts", outcome="failed", failure="Data-quality gate failed.",
            degraded="a good run of D is published already")
    send(FAILED)
    [(_, message)] = inbox.messages
    assert message["Subject"] == f"Privacy night {D} FAILED: check_marts"


def test_a_held_deletion_list_is_alerted_with_how_to_decide(inbox):
    journal(outcome="held", published="/out/2026-11-28")
    send(HELD)
    [(_, message)] = inbox.messages
    assert message["Subject"] == f"Privacy night {D}: deletion list held for approval (G2)"
    assert "approve_deletions" in message.get_payload()[0].get_payload(decode=True).decode()


def test_late_extracts_are_alerted_once(inbox):
    journal(failed_task="wait_for_extracts", failure="AirflowSensorTimeout")
    send(LATE)
    send(FAILED)  # the failed night that follows says nothing new
    [(_, message)] = inbox.messages
    assert message["Subject"] == f"Privacy night {D}: extracts not arrived by 07:00"
