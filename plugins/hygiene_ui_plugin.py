"""Airflow plugin: the privacy officer's desk (hygiene.ui) in the Airflow UI.

One of the two files Airflow loads from plugins/ (with hygiene_run_note_plugin.py; .airflowignore
leaves the hygiene package to Python's import): a FastAPI app under /hygiene and two pages in the
UI's navigation.
"""

from typing import ClassVar

from airflow.plugins_manager import AirflowPlugin

from hygiene.ui.app import URL_PREFIX, app


class HygienePlugin(AirflowPlugin):
    name = "hygiene"
    fastapi_apps: ClassVar[list[dict]] = [{"app": app, "url_prefix": URL_PREFIX, "name": "Privacy officer's desk"}]
    external_views: ClassVar[list[dict]] = [
        {"name": "Privacyrapporten", "href": f"{URL_PREFIX}/reports",
         "url_route": "privacyrapporten", "destination": "nav", "category": "browse"},
        {"name": "Waarom?", "href": f"{URL_PREFIX}/explain", "url_route": "waarom",
         "destination": "nav", "category": "browse"},
        {"name": "dbt docs (rules)", "href": f"{URL_PREFIX}/dbt-docs", "url_route": "dbt-docs",
         "destination": "nav", "category": "docs"},
    ]
