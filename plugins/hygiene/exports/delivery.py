"""Deliver a published run's mail-tool exports: to an outbox, and optionally to Brevo and SendGrid.

Plain functions over paths and URLs; dags/deliver_exports.py wires them. A run is delivered
whatever its `status` (`published`, `held`, `degraded`): a degraded night's suppressions must
reach the mail tools too. Only the export files of CONTRACT.md's layout are delivered, never
other files of the run, and no message or log line here names an address.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import duckdb
import httpx

from hygiene.errors import DeliveryError
from hygiene.exports.formats import EXPORTS_FOLDER, FORMATS, PURPOSES, export_format
from hygiene.landing import sha256_of
from hygiene.runs import find_run

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

OUTBOX_VARIABLE = "HYGIENE_EXPORT_OUTBOX"
OUTBOX_CONN_VARIABLE = "HYGIENE_EXPORT_OUTBOX_CONN_ID"
BREVO_CONN_VARIABLE = "HYGIENE_BREVO_CONN_ID"
SENDGRID_CONN_VARIABLE = "HYGIENE_SENDGRID_CONN_ID"
OUTBOX_MANIFEST = "outbox_manifest.json"

BREVO_API = "https://api.brevo.com"
SENDGRID_API = "https://api.sendgrid.com"
# Brevo's import takes a `fileBody` of at most 10 MB and advises staying near 8 MB
# (developers.brevo.com/reference/import-contacts).
BREVO_MAX_BODY_BYTES = 8_000_000
# SendGrid documents no maximum of `recipient_emails` per request; 1,000 keeps each body small
# (~40 kB) and matches the recipient limit of its mail send API.
SENDGRID_BATCH = 1_000
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
RATE_LIMIT_RETRIES = 5
MAX_RATE_LIMIT_WAIT = 60.0  # seconds

_CHUNK = 1 << 20
_PARTIAL = ".partial"
_OWNER_ONLY_FILE = 0o600
_OWNER_ONLY_DIR = 0o700


# ---------- the run to deliver


@dataclass(frozen=True)
class PublishedExports:
    folder: Path  # the run's own folder, resolved (never the `latest` link)
    run_date: str
    status: str
    checksums: Mapping[str, str]  # sha256 by path relative to the run, from run_manifest.json

    def files(self) -> list[str]:
        """The run's export files (relative to its folder) in CONTRACT.md's layout, nothing else."""
        return [
            relative
            for export in FORMATS.values()
            for relative in map(export.relative_path, PURPOSES)
            if self._is_export_file(relative)
        ]

    def tool_files(self, tool: str, purposes: Sequence[str]) -> list[Path]:
        """One tool's export file of each purpose, checked against the run manifest."""
        export = export_format(tool)
        missing = [p for p in purposes if not self._is_export_file(export.relative_path(p))]
        if missing:
            raise DeliveryError(
                f"The run of {self.run_date} ({self.folder}) has no {tool} export for "
                f"{', '.join(missing)}: add {tool} to HYGIENE_MAIL_TOOLS and publish again, or "
                f"stop pushing to {tool}."
            )
        for purpose in purposes:
            self.verified_sha256(export.relative_path(purpose))
        return [self.folder / export.relative_path(purpose) for purpose in purposes]

    def verified_sha256(self, relative: str) -> str:
        """sha256 of an export file, which must be the one the run manifest recorded (G4)."""
        checksum = sha256_of(self.folder / relative)
        recorded = self.checksums.get(relative)
        if recorded is not None and recorded != checksum:
            raise DeliveryError(
                f"{self.folder / relative} differs from the sha256 in run_manifest.json: it was "
                "changed after publishing and is not delivered. Publish the night again "
                f"(make run DATE={self.run_date})."
            )
        return checksum

    def _is_export_file(self, relative: str) -> bool:
        path = self.folder / relative
        # a link pointing out of the run would deliver some other file
        return path.is_file() and path.resolve().is_relative_to(self.folder.resolve())


def find_exports(output_root: Path, run_date: str | None = None) -> PublishedExports:
    """The exports of D's published run, or of the latest one (`latest`, links followed)."""
    run = find_run(output_root, run_date)
    exports = PublishedExports(
        folder=run.folder,
        run_date=run.run_date,
        # manifests written before `status` existed were all of published runs
        status=run.manifest.get("status") or "published",
        checksums=run.manifest.get("outputs", {}).get("sha256", {}),
    )
    if not exports.files():
        raise DeliveryError(
            f"The run of {run.run_date} ({run.folder}) has no mail-tool exports in "
            f"{EXPORTS_FOLDER}/: it was published with HYGIENE_MAIL_TOOLS=none or before exports "
            "were written. Set HYGIENE_MAIL_TOOLS (empty means all tools) and publish again."
        )
    return exports


# ---------- outbox


@dataclass(frozen=True)
class Delivery:
    run_date: str
    copied: tuple[str, ...]  # written because the outbox did not have them yet
    unchanged: tuple[str, ...]  # already in the outbox with the same sha256
    removed: tuple[str, ...]  # delivered before, no longer exported

    def summary(self) -> dict:
        return {
            "run_date": self.run_date,
            "copied": len(self.copied),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
        }


_OUTBOX_NAMES = {
    export.relative_path(purpose).removeprefix(f"{EXPORTS_FOLDER}/")
    for export in FORMATS.values()
    for purpose in PURPOSES
}


def outbox_path(location: str, conn_id: str | None = None) -> ObjectStoragePath:
    """The outbox as Airflow object storage: a URL (`s3://bucket/prefix`, `file:///srv/outbox`)
    or a local folder path; `conn_id` names the Airflow connection holding the credentials."""
    from airflow.sdk import ObjectStoragePath

    if "://" not in location:
        location = f"file://{Path(location).resolve()}"
    return ObjectStoragePath(location, conn_id=conn_id or None)


def deliver_to_outbox(exports: PublishedExports, outbox: ObjectStoragePath) -> Delivery:
    """Copy the run's exports to `outbox/<tool>/<purpose>.<ext>`, then write `outbox_manifest.json`.

    Atomic per file: each file is written to a hidden `.<name>.partial` beside its target, then
    moved onto it. On a local disk the move is a rename: a reader sees the old file or the new
    one, never a part. On object storage (S3, GCS, Azure) the move is a copy of the temporary key
    followed by its deletion; the store publishes an object only whole, so again a reader sees
    the old or the new file. The set of files is not switched at once: the manifest, naming the
    run date and each file's sha256, is written last, so a reader that checks files against it
    never uses a half-delivered night.

    Idempotent: a file whose target already has its sha256 is not written again (the previous
    manifest's checksum is trusted when the target's size matches; otherwise the target is
    read), and the manifest is rewritten only when it changes, so delivering the same run twice
    changes nothing. Files an earlier delivery put there that this run no longer exports (a tool
    taken out of HYGIENE_MAIL_TOOLS) are removed after the manifest; nothing else is touched.
    """
    previous = _read_outbox_manifest(outbox)
    delivered_before = previous.get("files", {}) if isinstance(previous, dict) else {}
    _make_folder(outbox)
    entries: dict[str, dict] = {}
    copied: list[str] = []
    unchanged: list[str] = []
    for relative in exports.files():
        name = relative.removeprefix(f"{EXPORTS_FOLDER}/")
        source = exports.folder / relative
        entry = {"sha256": exports.verified_sha256(relative), "bytes": source.stat().st_size}
        entries[name] = entry
        target = outbox / name
        if _holds(target, entry, delivered_before.get(name)):
            unchanged.append(name)
            continue
        _make_folder(target.parent)
        with source.open("rb") as data:
            _put(data, target)
        copied.append(name)

    manifest = {"run_date": exports.run_date, "status": exports.status, "files": entries}
    text = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    manifest_path = outbox / OUTBOX_MANIFEST
    if not (manifest_path.exists() and manifest_path.read_bytes() == text):
        _put(io.BytesIO(text), manifest_path)

    # only names of CONTRACT.md's layout: a manifest edited by hand cannot remove other files
    removed = sorted((set(delivered_before) & _OUTBOX_NAMES) - set(entries))
    for name in removed:
        (outbox / name).unlink(missing_ok=True)
    return Delivery(exports.run_date, tuple(copied), tuple(unchanged), tuple(removed))


def _read_outbox_manifest(outbox: ObjectStoragePath) -> dict:
    path = outbox / OUTBOX_MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_bytes())
    except ValueError:
        return {}  # unreadable: every file is compared by reading it instead


def _holds(target: ObjectStoragePath, entry: dict, delivered: dict | None) -> bool:
    """Whether `target` already has the content `entry` describes."""
    if not target.exists() or target.size() != entry["bytes"]:
        return False
    if delivered == entry:
        return True
    digest = hashlib.sha256()
    with target.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest() == entry["sha256"]


def _put(data: BinaryIO, target: ObjectStoragePath) -> None:
    """Write `data` to a temporary name beside `target`, then move it onto `target`."""
    partial = target.parent / f".{target.name}{_PARTIAL}"
    if _is_local(partial):
        partial.touch()
        os.chmod(partial.path, _OWNER_ONLY_FILE)  # before any address is written to it
    with partial.open("wb") as out:
        shutil.copyfileobj(data, out, _CHUNK)
    partial.move(target)


def _make_folder(folder: ObjectStoragePath) -> None:
    """Create `folder` if needed: owner-only on a local disk; object stores have no folders."""
    if folder.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    if _is_local(folder):
        os.chmod(folder.path, _OWNER_ONLY_DIR)


def _is_local(path: ObjectStoragePath) -> bool:
    return path.protocol in ("file", "local")


# ---------- mail-tool APIs


@dataclass(frozen=True)
class ApiTarget:
    base_url: str  # e.g. https://api.brevo.com
    api_key: str = field(repr=False)
    options: Mapping = field(default_factory=dict)  # the connection's extra


def api_target(connection, default_base_url: str) -> ApiTarget:
    """An Airflow HTTP connection as an API target: the host (with schema and port) or none for
    the tool's own API, the API key as password, options in the extra (JSON)."""
    host = (connection.host or "").rstrip("/")
    if not host:
        base_url = default_base_url
    elif "://" in host:
        base_url = host
    else:
        port = f":{connection.port}" if connection.port else ""
        base_url = f"{connection.schema or 'https'}://{host}{port}"
    if not connection.password:
        raise DeliveryError(
            f"Airflow connection {connection.conn_id!r} has no password: put the mail tool's API "
            "key there."
        )
    return ApiTarget(base_url, connection.password, connection.extra_dejson or {})


def push_to_sendgrid(
    exports: PublishedExports,
    target: ApiTarget,
    purposes: Sequence[str] = PURPOSES,
    *,
    batch_size: int = SENDGRID_BATCH,
) -> dict:
    """Add every address of the SendGrid exports to SendGrid's global suppressions.

    `POST /v3/asm/suppressions/global` with `{"recipient_emails": [...]}` and the API key as
    Bearer token (twilio.com/docs/sendgrid/api-reference/suppressions-global-suppressions/
    add-recipient-addresses-to-the-global-suppression-group). A global suppression stops every
    marketing mail, so an address suppressed for any of `purposes` is suppressed for all: more
    than the list asks, never less. SendGrid also holds back transactional mail to it unless
    that mail is sent with `bypass_unsubscribe_management`. Adding an address twice is harmless,
    so a repeated push is safe; an address that later leaves the list is not un-suppressed.
    """
    files = exports.tool_files("sendgrid", _checked(purposes))
    largest = max(path.stat().st_size for path in files)
    query = (
        "select distinct unnest(recipient_emails) as address from read_json($files, "
        "columns = {'recipient_emails': 'varchar[]'}, format = 'auto', "
        f"maximum_object_size = {largest + 1}) order by address"
    )
    addresses = requests = 0
    with _client(target, {"Authorization": f"Bearer {target.api_key}"}) as client:
        for batch in _batches(query, files, batch_size):
            requests += 1
            _post(client, "/v3/asm/suppressions/global", {"recipient_emails": batch}, requests)
            addresses += len(batch)
    return {"run_date": exports.run_date, "addresses": addresses, "requests": requests}


def push_to_brevo(
    exports: PublishedExports,
    target: ApiTarget,
    purposes: Sequence[str] = PURPOSES,
    *,
    max_body_bytes: int = BREVO_MAX_BODY_BYTES,
) -> dict:
    """Import every address of the Brevo exports into Brevo as blocklisted contacts.

    `POST /v3/contacts/import` with the addresses as `fileBody` (CSV, header `EMAIL`, `;`),
    `emailBlacklist: true` and the `listIds` the connection's extra names (the API requires a
    list), with the API key in the `api-key` header (developers.brevo.com/reference/
    import-contacts). Brevo's blocklist stops every e-mail campaign, so an address suppressed
    for any of `purposes` is blocklisted for all: more than the list asks, never less. Existing
    contacts are updated, their other attributes left alone; importing twice is harmless. Brevo
    runs each import in the background: the process ids are returned for the log.
    """
    list_ids = target.options.get("list_ids")
    if not list_ids or not all(isinstance(list_id, int) for list_id in list_ids):
        raise DeliveryError(
            'The Brevo connection needs the list to import into in its extra, e.g. '
            '{"list_ids": [12]}: Brevo\'s import requires a list (listIds).'
        )
    files = exports.tool_files("brevo", _checked(purposes))
    query = (
        "select distinct \"EMAIL\" as address from read_csv($files, header = true, "
        "delim = ';', quote = '\"', escape = '\"', columns = {'EMAIL': 'varchar'}) "
        "where address is not null order by address"
    )
    addresses = requests = 0
    process_ids = []
    with _client(target, {"api-key": target.api_key}) as client:
        for body, count in _brevo_bodies(_batches(query, files, 10_000), max_body_bytes):
            requests += 1
            payload = {
                "fileBody": body,
                "listIds": list_ids,
                "emailBlacklist": True,
                "updateExistingContacts": True,
                "emptyContactsAttributes": False,
                "disableNotification": True,
            }
            response = _post(client, "/v3/contacts/import", payload, requests)
            process_ids.append(_process_id(response))
            addresses += count
    return {
        "run_date": exports.run_date,
        "addresses": addresses,
        "requests": requests,
        "process_ids": process_ids,
    }


def purposes_option(target: ApiTarget) -> tuple[str, ...]:
    """The purposes to push (the connection's extra `purposes`), by default all of them.

    Name fewer only when the tool sends nothing else: an address suppressed for a purpose left
    out would still be mailed for it through that tool.
    """
    return _checked(target.options.get("purposes") or PURPOSES)


def _checked(purposes: Sequence[str]) -> tuple[str, ...]:
    if isinstance(purposes, str) or any(purpose not in PURPOSES for purpose in purposes):
        raise DeliveryError(
            f"Unknown purposes {purposes!r} to push: give a list of {', '.join(PURPOSES)}."
        )
    return tuple(purposes)


def _batches(query: str, files: Sequence[Path], size: int) -> Iterator[list[str]]:
    """The addresses `query` reads from `files`, sorted, `size` at a time."""
    with duckdb.connect() as connection:
        cursor = connection.execute(query, {"files": [str(path) for path in files]})
        while rows := cursor.fetchmany(size):
            yield [address for (address,) in rows]


def _brevo_bodies(batches: Iterator[list[str]], max_bytes: int) -> Iterator[tuple[str, int]]:
    """CSV bodies of at most `max_bytes` (header `EMAIL`, one address per line) and their rows."""
    header = "EMAIL\n"
    lines: list[str] = []
    size = len(header)
    for batch in batches:
        for address in batch:
            line = _brevo_line(address)
            if lines and size + len(line.encode()) > max_bytes:
                yield header + "".join(lines), len(lines)
                lines, size = [], len(header)
            lines.append(line)
            size += len(line.encode())
    if lines:
        yield header + "".join(lines), len(lines)


def _brevo_line(address: str) -> str:
    """One CSV line, quoted as the export file quotes it (RFC 4180 with `;`)."""
    if any(character in address for character in ';"\r\n'):
        return '"' + address.replace('"', '""') + '"\n'
    return address + "\n"


def _process_id(response: httpx.Response) -> int | None:
    """Brevo's id of the background import (202 `{"processId": 78}`), if it sent one."""
    try:
        return response.json().get("processId")
    except (ValueError, AttributeError):
        return None


def _client(target: ApiTarget, auth: dict[str, str]) -> httpx.Client:
    return httpx.Client(
        base_url=target.base_url,
        headers={**auth, "Accept": "application/json"},
        timeout=TIMEOUT,
    )


def _post(client: httpx.Client, path: str, body: dict, request: int) -> httpx.Response:
    """POST `body` as JSON; wait and retry while rate-limited; errors never quote the body."""
    done = f"{request - 1} earlier request(s) of this push were accepted"
    for attempt in range(RATE_LIMIT_RETRIES + 1):
        try:
            response = client.post(path, json=body)
        except httpx.HTTPError as error:
            raise DeliveryError(
                f"Request {request} to {client.base_url}{path} failed ({type(error).__name__}); "
                f"{done}. Check the connection's host and the network, then clear the task: a "
                "repeated push is harmless."
            ) from None
        if response.status_code != httpx.codes.TOO_MANY_REQUESTS or attempt == RATE_LIMIT_RETRIES:
            break
        time.sleep(_rate_limit_wait(response))
    if not response.is_success:
        raise DeliveryError(
            f"{client.base_url}{path} answered {response.status_code} {response.reason_phrase} "
            f"to request {request}; {done}. {_advice(response.status_code)} A repeated push is "
            "harmless: clear the task when fixed."
        )
    return response


def _rate_limit_wait(response: httpx.Response) -> float:
    """Seconds until the rate limit resets: `Retry-After`, Brevo's `x-sib-ratelimit-reset`
    (seconds) or SendGrid's `X-RateLimit-Reset` (a Unix time); at most MAX_RATE_LIMIT_WAIT."""
    headers = response.headers
    try:
        if "retry-after" in headers:
            seconds = float(headers["retry-after"])
        elif "x-sib-ratelimit-reset" in headers:
            seconds = float(headers["x-sib-ratelimit-reset"])
        elif "x-ratelimit-reset" in headers:
            seconds = float(headers["x-ratelimit-reset"]) - time.time()
        else:
            seconds = 1.0
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_RATE_LIMIT_WAIT)


def _advice(status: int) -> str:
    if status in (401, 403):
        return "The API key (the connection's password) is wrong or lacks the permission."
    if status == 429:
        return f"Still rate-limited after {RATE_LIMIT_RETRIES} waits; try again later."
    if status >= 500:
        return "The mail tool had an error; try again later."
    return "The mail tool refused the request; check the connection's host and extra."
