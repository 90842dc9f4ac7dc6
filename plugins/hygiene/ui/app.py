"""The routes of the privacy officer's desk: the published reports, "Waarom?" (explain) and the
held deletion list an approver reviews. Every route depends on Airflow's user dependency."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from airflow.api_fastapi.auth.managers.models.resource_details import AccessView, DagAccessEntity
from airflow.api_fastapi.core_api.security import requires_access_dag, requires_access_view
from fastapi import Depends, FastAPI, Form, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from hygiene.settings import Settings
from hygiene.ui.published import published_nights, servable

APPROVAL_DAG = "approve_deletions"
URL_PREFIX = "/hygiene"
viewer = [Depends(requires_access_view(AccessView.PLUGINS))]
# who may answer the approval DAG's question may read the list it asks about (ids, no addresses)
approver = [Depends(requires_access_dag(
    method="PUT", access_entity=DagAccessEntity.HITL_DETAIL, param_dag_id=APPROVAL_DAG))]

app = FastAPI(title="Privacy officer's desk", docs_url=None, redoc_url=None, openapi_url=None)
_templates = Environment(loader=PackageLoader("hygiene.ui"), autoescape=select_autoescape())


def _page(template: str, **context) -> HTMLResponse:
    return HTMLResponse(_templates.get_template(template).render(prefix=URL_PREFIX, **context))


@app.get("/", dependencies=viewer)
def index() -> RedirectResponse:
    return RedirectResponse(f"{URL_PREFIX}/reports")


@app.get("/reports", dependencies=viewer, response_class=HTMLResponse)
def reports() -> HTMLResponse:
    """Privacyrapporten: the published nights by date, with status, report, PDF and checks."""
    from hygiene.language import current_language
    from hygiene.report.words import Words

    # the statuses in the words of the reports they list
    return _page("reports.html.j2", nights=published_nights(Settings.from_env().output_root),
                 t=Words(current_language()))


@app.get("/runs/{run_date}/{relative:path}", dependencies=viewer)
def run_file(run_date: str, relative: str) -> FileResponse:
    path = servable(Settings.from_env().output_root, run_date, relative)
    if path is None:
        raise HTTPException(status_code=404, detail="No such report file.")
    return FileResponse(path)


@app.get("/explain", dependencies=viewer, response_class=HTMLResponse)
def explain_form() -> HTMLResponse:
    """Waarom?: the form. What is asked is posted, never put in a URL, where Airflow's access log
    and the browser's history would keep an address (explain_page)."""
    return _page("explain.html.j2", subject="", kind="address", run_date="", lines=[], error=None)


@app.post("/explain", dependencies=viewer, response_class=HTMLResponse)
def explain_page(
    subject: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(pattern="^(address|contact|booking)$")] = "address",
    run_date: Annotated[str, Form(max_length=40)] = "",  # as typed: explain.night_typed
) -> HTMLResponse:
    """Waarom?: the `explain` answer for an address, contact id or booking id, as the CLI gives it."""
    lines: list[str] = []
    error = None
    if subject.strip():
        from hygiene.errors import HygieneError
        from hygiene.explain import explain, night_typed, published_run

        try:
            run = published_run(Settings.from_env().output_root, night_typed(run_date))
            lines = explain(run, **{_EXPLAIN_ARGUMENT[kind]: subject}).lines()
        except HygieneError as refused:
            error = str(refused)
    return _page("explain.html.j2", subject=subject, kind=kind, run_date=run_date,
                 lines=lines, error=error)


_EXPLAIN_ARGUMENT = {"address": "address", "contact": "contact_id", "booking": "booking_id"}


@app.get("/dbt-docs", dependencies=viewer)
def dbt_docs() -> FileResponse:
    """dbt's documentation of the rules: every model with its description, lineage, exposures."""
    from hygiene.settings import DBT_DOCS_PAGE

    if not DBT_DOCS_PAGE.is_file():
        raise HTTPException(status_code=404, detail="dbt's documentation is not built: make docs.")
    return FileResponse(DBT_DOCS_PAGE, media_type="text/html")


@app.get("/held/{run_date}", dependencies=approver)
def held_list(run_date: str) -> FileResponse:
    """The held deletion list of D (ids, rule, due date) for the person asked to approve it."""
    from hygiene.publish import HELD_DELETION_LIST, layout

    output_root = Settings.from_env().output_root
    path = output_root / run_date / HELD_DELETION_LIST
    if not layout.RUN_FOLDER.fullmatch(run_date) or not path.is_file():
        raise HTTPException(status_code=404, detail="No held deletion list for that date.")
    return FileResponse(Path(path).resolve(), media_type="text/csv",
                        filename=f"verwijderlijst-{run_date}-vastgehouden.csv")
