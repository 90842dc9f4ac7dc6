"""The privacy officer's desk in the Airflow UI (hygiene.ui, plugins/hygiene_ui_plugin.py): only
for logged-in users, only the report files, held lists only for who may approve them.

Airflow's own API server app (create_app) with the plugin mounted, in-process, with the simple
auth manager's users and passwords of this test: a viewer (the privacy officer reading) and a
user (who may answer the approval DAG).
"""

from __future__ import annotations

import html
import json

import pytest
from fastapi.testclient import TestClient

from airflow_runner import airflow_env
from published_run import D, write_run

USERS = {"officer": ("viewer", "officer-password"), "approver": ("user", "approver-password")}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui")
    passwords = root / "passwords.json"
    passwords.write_text(json.dumps({name: password for name, (_, password) in USERS.items()}))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in airflow_env().items():
            patch.setenv(name, value)
        patch.setenv("AIRFLOW__CORE__AUTH_MANAGER",
                     "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager")
        patch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS",
                     ",".join(f"{name}:{role}" for name, (role, _) in USERS.items()))
        patch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", str(passwords))
        patch.setenv("HYGIENE_OUTPUT_DIR", str(root / "output"))
        write_run(root / "output", "2026-11-27")
        write_run(root / "output", D, held=True)
        from airflow.api_fastapi.app import create_app

        with TestClient(create_app()) as test_client:
            yield test_client


def login(client: TestClient, user: str) -> dict[str, str]:
    response = client.post("/auth/token", json={"username": user, "password": USERS[user][1]})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.parametrize("path", [
    "/hygiene/reports", f"/hygiene/runs/{D}/privacy_report.html", "/hygiene/explain",
    f"/hygiene/held/{D}",
])
def test_nobody_who_is_not_logged_in_gets_anything(client, path):
    assert client.get(path).status_code == 401


def test_reports_lists_each_published_night_with_its_status_and_report(client):
    page = client.get("/hygiene/reports", headers=login(client, "officer"))
    assert page.status_code == 200
    assert page.text.index(f'data-date="{D}"') < page.text.index('data-date="2026-11-27"')
    assert "verwijderlijst vastgehouden (G2)" in page.text  # as the report says it
    assert f'href="/hygiene/runs/{D}/privacy_report.html"' in page.text


def test_the_report_is_served_and_nothing_with_addresses_or_ids(client):
    headers = login(client, "officer")
    report = client.get(f"/hygiene/runs/{D}/privacy_report.html", headers=headers)
    assert report.status_code == 200 and "<html" in report.text
    for path in ("suppression_list.csv", "explain/contacts.csv", "held/deletion_list.csv",
                 "run_manifest.json", "%2e%2e/%2e%2e/etc/passwd", "..%2f2026-11-27%2fdeletion_list.csv"):
        assert client.get(f"/hygiene/runs/{D}/{path}", headers=headers).status_code == 404, path
    assert client.get("/hygiene/runs/latest/privacy_report.html", headers=headers).status_code == 404


def test_waarom_never_takes_what_is_asked_from_a_url(client):
    """Airflow's access log keeps every URL with its query: an address asked about is posted."""
    page = client.get("/hygiene/explain", params={"kind": "address", "subject": " JAN@example.nl"},
                      headers=login(client, "officer"))
    assert page.status_code == 200 and 'method="post"' in page.text
    assert "jan@example.nl" not in page.text.lower() and 'id="answer"' not in page.text


def test_waarom_answers_as_the_cli_does(client):
    from hygiene.explain import explain
    from hygiene.runs import find_run
    from hygiene.settings import Settings

    page = client.post("/hygiene/explain", data={"kind": "address", "subject": " JAN@example.nl"},
                      headers=login(client, "officer"))
    assert page.status_code == 200
    expected = explain(find_run(Settings.from_env().output_root), address=" JAN@example.nl").lines()
    text = html.unescape(page.text)
    assert expected and all(line in text for line in expected)


def test_waarom_says_so_for_an_unknown_subject(client):
    page = client.post("/hygiene/explain", data={"kind": "booking", "subject": "B404"},
                      headers=login(client, "officer"))
    assert page.status_code == 200 and 'id="error"' in page.text


@pytest.mark.parametrize("typed", ["28-11-2026", "28/11/2026", " 2026-11-28 "])
def test_waarom_takes_the_night_as_the_dutch_write_it(client, typed):
    page = client.post("/hygiene/explain", data={"kind": "contact", "subject": "C1",
                                                  "run_date": typed},
                      headers=login(client, "officer"))
    assert page.status_code == 200 and 'id="error"' not in page.text
    assert "Deze uitleg komt uit de nacht van 28 november 2026" in html.unescape(page.text)


@pytest.mark.parametrize("typed", ["2026-13-45", "gisteren"])
def test_waarom_says_in_dutch_what_is_no_date(client, typed):
    page = client.post("/hygiene/explain", data={"kind": "contact", "subject": "C1",
                                                  "run_date": typed},
                      headers=login(client, "officer"))
    assert page.status_code == 200
    assert (f"'{typed}' is geen datum: geef de nacht als 28-11-2026 of 2026-11-28"
            in html.unescape(page.text))


def test_the_held_list_is_for_who_may_approve_it(client):
    assert client.get(f"/hygiene/held/{D}", headers=login(client, "officer")).status_code == 403
    held = client.get(f"/hygiene/held/{D}", headers=login(client, "approver"))
    assert held.status_code == 200
    assert held.text.splitlines()[0] == "subject_type,subject_id,action,rule,due_date"
    assert client.get("/hygiene/held/2026-11-27", headers=login(client, "approver")).status_code == 404


def test_dbt_docs_are_served_to_who_is_logged_in(client, monkeypatch, tmp_path):
    import hygiene.settings

    page = tmp_path / "static_index.html"
    page.write_text("<html>dbt docs</html>")
    monkeypatch.setattr(hygiene.settings, "DBT_DOCS_PAGE", page)
    assert client.get("/hygiene/dbt-docs").status_code == 401
    assert client.get("/hygiene/dbt-docs", headers=login(client, "officer")).text == page.read_text()


def test_a_night_whose_held_list_was_approved_says_so_not_that_it_still_waits(tmp_path):
    from hygiene.publish import read_manifest, write_manifest
    from hygiene.ui.published import published_nights

    folder = write_run(tmp_path, D, held=True, report=False)
    manifest = read_manifest(folder)
    manifest["deletion_hold"] |= {"approved": True, "approved_by": "P. O."}
    write_manifest(folder / "run_manifest.json", manifest)
    (night,) = published_nights(tmp_path)
    assert (night.state, night.approved_by) == ("approved", "P. O.")
