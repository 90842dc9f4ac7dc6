"""The privacy officer's desk in the Airflow UI (Airflow 3.3 plugin: `fastapi_apps` plus
`external_views`, registered by plugins/hygiene_ui_plugin.py).

Plugin routes are not authenticated unless they say so: every route here depends on Airflow's
own user dependency (`airflow.api_fastapi.core_api.security`), so a visitor who is not logged in
gets 401, and the pages show what the Airflow role allows. Files are served from the published
runs under $HYGIENE_OUTPUT_DIR only, from an allow-list (the report, its PDF, the quality pages);
files with addresses or ids stay owner-only on disk and are never served.
"""
