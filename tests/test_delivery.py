"""Delivery of the mail-tool exports (dags/deliver_exports.py): the latest published run's exports
reach the outbox atomically and idempotently, and Brevo's and SendGrid's APIs receive them in
the documented requests (checked against a local HTTP server; no traffic leaves 127.0.0.1)."""

from __future__ import annotations

import csv
import io
import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from airflow_runner import PROJECT_ROOT, airflow_env
from hygiene import publish
from hygiene.errors import DeliveryError
from hygiene.exports import delivery
from hygiene.exports.delivery import (
    api_target,
    deliver_to_outbox,
    find_exports,
    outbox_path,
    purposes_option,
    push_to_brevo,
    push_to_sendgrid,
)
from hygiene.exports.formats import FORMATS, PURPOSES
from hygiene.exports.write import write_exports
from hygiene.landing import sha256_of
from hygiene.runs import RunNotFound
from test_exports import ROWS, write_suppression_list

D = "2026-11-28"
EXPORT_NAMES = sorted(
    f"{tool}/{purpose}.{export.extension}" for tool, export in FORMATS.items() for purpose in PURPOSES
)
# every address the list suppresses on e-mail for any purpose, each once, sorted
ALL_SUPPRESSED = sorted({row[1] for row in ROWS if row[0] == "email"})


def publish_run(
    output_root: Path, day: str = D, *, rows=ROWS, tools=tuple(FORMATS), status="published"
) -> Path:
    """A run published as the night does it, with exports: `latest` -> D -> its version."""
    folder = output_root / ".staging" / day
    folder.mkdir(parents=True)
    write_suppression_list(folder / "suppression_list.csv", rows)
    (folder / "deletion_list.csv").write_text("subject_type,subject_id\n")
    write_exports(folder / "suppression_list.csv", folder, tools)
    return publish.release(folder, output_root, day, {"run_date": day, "status": status})


def outbox_files(outbox: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in the outbox with its bytes and mtime."""
    return {
        str(path.relative_to(outbox)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(outbox.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module", autouse=True)
def airflow_home():
    """Airflow (ObjectStoragePath, the DagBag) reads the checkout's config, as `make` sets it."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in airflow_env().items():
            patch.setenv(name, value)
        yield


@pytest.fixture
def output_root(tmp_path) -> Path:
    root = tmp_path / "output"
    publish_run(root)
    return root


# ---------- the run to deliver


def test_the_latest_run_is_found_through_a_chain_of_links(output_root):
    exports = find_exports(output_root)

    assert exports.run_date == D
    assert exports.folder.resolve() == (output_root / D).resolve()
    assert exports.status == "published"
    assert sorted(f.removeprefix("exports/") for f in exports.files()) == EXPORT_NAMES


def test_nothing_published_is_an_error_saying_what_to_run(tmp_path):
    with pytest.raises(RunNotFound, match="make run"):
        find_exports(tmp_path / "missing")


def test_a_run_published_without_exports_is_an_error_naming_the_variable(tmp_path):
    publish_run(tmp_path / "output", tools=())
    with pytest.raises(DeliveryError, match="no mail-tool exports.*HYGIENE_MAIL_TOOLS"):
        find_exports(tmp_path / "output")


# ---------- outbox


def test_the_outbox_gets_the_exports_and_a_manifest_and_nothing_else(output_root, tmp_path):
    outbox = tmp_path / "outbox"
    delivered = deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))

    assert sorted(delivered.copied) == EXPORT_NAMES
    assert sorted(outbox_files(outbox)) == sorted([*EXPORT_NAMES, "outbox_manifest.json"])
    run = output_root / D
    for name in EXPORT_NAMES:
        assert (outbox / name).read_bytes() == (run / "exports" / name).read_bytes()
    manifest = json.loads((outbox / "outbox_manifest.json").read_text())
    assert manifest["run_date"] == D and manifest["status"] == "published"
    assert manifest["files"] == {
        name: {"sha256": sha256_of(run / "exports" / name), "bytes": (run / "exports" / name).stat().st_size}
        for name in EXPORT_NAMES
    }


def test_a_second_delivery_of_the_same_run_changes_nothing(output_root, tmp_path):
    outbox = tmp_path / "outbox"
    deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    before = outbox_files(outbox)

    again = deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))

    assert again.copied == () and again.removed == ()
    assert sorted(again.unchanged) == EXPORT_NAMES
    assert outbox_files(outbox) == before  # same bytes, same mtimes, manifest included


def test_a_new_run_replaces_only_the_files_that_changed(output_root, tmp_path):
    outbox = tmp_path / "outbox"
    deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    before = outbox_files(outbox)
    extra = ("email", "new@example.nl", "hn", "offers", "objected", "2026-11-29")
    publish_run(output_root, "2026-11-29", rows=[*ROWS, extra], status="degraded")

    delivered = deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))

    offers = sorted(f"{tool}/offers.{export.extension}" for tool, export in FORMATS.items())
    assert sorted(delivered.copied) == offers
    after = outbox_files(outbox)
    assert all(after[name] == before[name] for name in EXPORT_NAMES if name not in offers)
    assert b"new@example.nl" in after["brevo/offers.csv"][0]
    manifest = json.loads(after["outbox_manifest.json"][0])
    assert manifest["run_date"] == "2026-11-29"
    assert manifest["status"] == "degraded"  # a degraded night is delivered too


def test_a_file_url_outbox_works_like_a_folder(output_root, tmp_path):
    outbox = tmp_path / "outbox"
    url = outbox.as_uri()
    assert url.startswith("file:///")

    deliver_to_outbox(find_exports(output_root), outbox_path(url))
    before = outbox_files(outbox)
    again = deliver_to_outbox(find_exports(output_root), outbox_path(url))

    assert sorted(before) == sorted([*EXPORT_NAMES, "outbox_manifest.json"])
    assert again.copied == () and outbox_files(outbox) == before


def test_a_local_outbox_is_owner_only(output_root, tmp_path):
    outbox = tmp_path / "outbox"
    deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))

    for path in [outbox, *outbox.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_a_delivery_cut_off_mid_file_leaves_the_previous_file_whole(
    output_root, tmp_path, monkeypatch
):
    outbox = tmp_path / "outbox"
    deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    before = outbox_files(outbox)
    publish_run(output_root, "2026-11-29", rows=ROWS[1:])  # b@example.nl leaves the newsletter

    def copy_half_then_fail(source, target, length=0):
        target.write(source.read(5))
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(delivery.shutil, "copyfileobj", copy_half_then_fail)
        with pytest.raises(OSError, match="disk full"):
            deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    visible = {n: c for n, c in outbox_files(outbox).items() if not n.endswith(".partial")}
    assert visible == before  # every visible file is the old one, whole; the manifest too

    deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    assert b"b@example.nl" not in (outbox / "brevo/newsletter.csv").read_bytes()
    assert not list(outbox.rglob("*.partial"))


def test_an_export_changed_after_publishing_is_not_delivered(output_root, tmp_path):
    exports = output_root / D / "exports" / "mailchimp" / "offers.csv"
    exports.write_text("Email Address\nsomeone@example.nl\n")
    outbox = tmp_path / "outbox"

    with pytest.raises(DeliveryError, match="mailchimp/offers.csv differs from the sha256 in run_manifest.json"):
        deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    assert not (outbox / "mailchimp" / "offers.csv").exists()
    assert not (outbox / "outbox_manifest.json").exists()


def test_a_tool_no_longer_exported_leaves_the_outbox_but_other_files_stay(output_root, tmp_path):
    outbox = tmp_path / "outbox"
    deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))
    (outbox / "README.txt").write_text("picked up by the mail tool sync every hour\n")
    publish_run(output_root, "2026-11-29", tools=("brevo",))

    delivered = deliver_to_outbox(find_exports(output_root), outbox_path(str(outbox)))

    brevo = [name for name in EXPORT_NAMES if name.startswith("brevo/")]
    assert sorted(delivered.removed) == [name for name in EXPORT_NAMES if name not in brevo]
    assert sorted(outbox_files(outbox)) == sorted([*brevo, "README.txt", "outbox_manifest.json"])


# ---------- mail-tool APIs


class Recorder(BaseHTTPRequestHandler):
    """Records each request; answers with the next scripted response, else 201/202 with JSON."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append(
            SimpleNamespace(path=self.path, headers=dict(self.headers), body=json.loads(body))
        )
        status, headers, payload = (
            self.server.script.pop(0) if self.server.script else (202, {}, {"processId": len(self.server.requests)})
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def api(monkeypatch):
    """A local HTTP server on 127.0.0.1 standing in for Brevo and SendGrid."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests, server.script = [], []
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def target_of(server, **extra):
    host, port = server.server_address
    connection = SimpleNamespace(
        conn_id="mail_tool", host=host, schema="http", port=port, password="test-key", extra_dejson=extra
    )
    return api_target(connection, "https://never.used.example")


def test_sendgrid_gets_every_suppressed_address_once_as_global_suppressions_in_batches(
    output_root, api
):
    result = push_to_sendgrid(find_exports(output_root), target_of(api), batch_size=4)

    assert [request.path for request in api.requests] == ["/v3/asm/suppressions/global"] * 3
    for request in api.requests:
        assert request.headers["Authorization"] == "Bearer test-key"
        assert request.headers["Content-Type"] == "application/json"
        assert list(request.body) == ["recipient_emails"]
        assert len(request.body["recipient_emails"]) <= 4
    sent = [address for request in api.requests for address in request.body["recipient_emails"]]
    assert sent == ALL_SUPPRESSED
    assert result == {"run_date": D, "addresses": len(ALL_SUPPRESSED), "requests": 3}


def test_brevo_gets_blocklisted_contact_imports_under_the_body_limit(output_root, api):
    result = push_to_brevo(find_exports(output_root), target_of(api, list_ids=[7]), max_body_bytes=80)

    assert len(api.requests) > 1
    sent = []
    for request in api.requests:
        assert request.path == "/v3/contacts/import"
        assert request.headers["api-key"] == "test-key"
        assert "Authorization" not in request.headers
        body = request.body
        assert body["emailBlacklist"] is True and body["listIds"] == [7]
        assert body["updateExistingContacts"] is True and body["emptyContactsAttributes"] is False
        assert len(body["fileBody"].encode()) <= 80
        rows = list(csv.reader(io.StringIO(body["fileBody"], newline=""), delimiter=";"))
        assert rows[0] == ["EMAIL"] and all(len(row) == 1 for row in rows)
        sent += [address for (address,) in rows[1:]]
    assert sent == ALL_SUPPRESSED  # `;`, `"` and the rest quoted as in the export file
    assert result["addresses"] == len(ALL_SUPPRESSED)
    assert result["process_ids"] == list(range(1, len(api.requests) + 1))


def test_a_push_limited_to_some_purposes_sends_only_their_addresses(output_root, api):
    target = target_of(api, purposes=["offers"])
    push_to_sendgrid(find_exports(output_root), target, purposes_option(target))

    (request,) = api.requests
    assert request.body == {"recipient_emails": ["a@example.nl", "c@example.nl"]}


def test_a_rate_limited_request_is_sent_again_after_the_wait(output_root, api):
    api.script = [(429, {"Retry-After": "0"}, {"errors": [{"message": "too many requests"}]})]

    result = push_to_sendgrid(find_exports(output_root), target_of(api), batch_size=100)

    assert len(api.requests) == 2 and api.requests[0].body == api.requests[1].body
    assert result["requests"] == 1


def test_a_refused_push_names_the_status_and_the_fix_but_never_an_address(output_root, api):
    echo = {"errors": [{"message": f"{address} is not allowed"} for address in ALL_SUPPRESSED]}
    api.script = [(401, {}, echo)]

    with pytest.raises(DeliveryError) as error:
        push_to_sendgrid(find_exports(output_root), target_of(api))

    message = str(error.value)
    assert "401 Unauthorized" in message and "API key" in message
    assert "@" not in message and "test-key" not in message


def test_an_unreachable_api_is_an_error_naming_the_host(output_root, api):
    target = target_of(api)
    api.shutdown()
    api.server_close()

    with pytest.raises(DeliveryError, match=r"Request 1 to http://127\.0\.0\.1:\d+/v3/asm"):
        push_to_sendgrid(find_exports(output_root), target)


def test_brevo_needs_the_list_to_import_into(output_root, api):
    with pytest.raises(DeliveryError, match='"list_ids": \\[12\\]'):
        push_to_brevo(find_exports(output_root), target_of(api))
    assert api.requests == []


def test_a_push_needs_the_tools_export_in_the_run(tmp_path, api):
    publish_run(tmp_path / "output", tools=("brevo",))
    with pytest.raises(DeliveryError, match="no sendgrid export.*HYGIENE_MAIL_TOOLS"):
        push_to_sendgrid(find_exports(tmp_path / "output"), target_of(api))
    assert api.requests == []


@pytest.mark.parametrize(
    ("host", "schema", "port", "base_url"),
    [
        ("", "", None, "https://api.sendgrid.com"),
        ("api.eu.sendgrid.com", "", None, "https://api.eu.sendgrid.com"),
        ("127.0.0.1", "http", 8025, "http://127.0.0.1:8025"),
        ("https://api.brevo.com/", "", None, "https://api.brevo.com"),
    ],
)
def test_an_http_connection_becomes_the_api_base_url(host, schema, port, base_url):
    connection = SimpleNamespace(
        conn_id="c", host=host, schema=schema, port=port, password="k", extra_dejson={}
    )
    assert api_target(connection, "https://api.sendgrid.com").base_url == base_url


def test_a_connection_without_api_key_is_an_error_naming_it():
    connection = SimpleNamespace(
        conn_id="sendgrid_default", host="", schema="", port=None, password="", extra_dejson={}
    )
    with pytest.raises(DeliveryError, match="'sendgrid_default' has no password"):
        api_target(connection, "https://api.sendgrid.com")


# ---------- the DAG


def test_deliver_exports_runs_on_the_published_suppression_list_with_a_task_per_target():
    from airflow.dag_processing.dagbag import DagBag

    dagbag = DagBag(dag_folder=str(PROJECT_ROOT / "dags" / "deliver_exports.py"))

    assert dagbag.import_errors == {}
    dag = dagbag.dags["deliver_exports"]
    # the Asset a published night announces (hygiene.assets.PUBLISHED_NIGHT)
    assert [asset.name for asset in dag.timetable.asset_condition.objects] == [
        "hygiene_suppression_list"
    ]
    assert dag.max_active_runs == 1
    targets = {"deliver_to_outbox", "push_to_brevo", "push_to_sendgrid"}
    assert set(dag.task_ids) == {"find_latest_exports", *targets}
    for task_id in targets:
        assert dag.get_task(task_id).upstream_task_ids == {"find_latest_exports"}
    for task in dag.tasks:
        assert task.doc_md, task.task_id
