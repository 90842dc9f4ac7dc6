"""Airflow plugin: the nightly run's note says where the night was published, with its counts,
or which task failed and why (hygiene.run_note, a listener)."""

from airflow.plugins_manager import AirflowPlugin

from hygiene import run_note


class HygieneRunNotePlugin(AirflowPlugin):
    name = "hygiene_run_note"
    listeners = [run_note]  # noqa: RUF012 - Airflow reads this class attribute as it is
