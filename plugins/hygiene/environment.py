"""Every environment variable the product reads, in one place: its default and what it means.

The modules that read a variable keep reading it where they need it (when called, never at
import); this list is what an operator configures from: the README's settings table, the
`.env.example` of the production deployment and the tests that keep both complete.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # "" = unset
    meaning: str
    secret: bool = False  # never given a value in a committed file


VARIABLES: tuple[Variable, ...] = (
    # where a night reads and writes (CONTRACT.md "Running it")
    Variable("HYGIENE_LANDING_DIR", "data/landing", "one landing folder per D: the extracts"),
    Variable("HYGIENE_OUTPUT_DIR", "data/output",
             "the published nights, `latest` and the state that outlives them (keep it durable)"),
    Variable("HYGIENE_WAREHOUSE_DIR", "data/warehouse",
             "the disposable DuckDB files, one per attempt"),
    Variable("HYGIENE_HASH_KEY", "",
             "the secret key of the keyed hashes of M8 and M10; keep it stable", secret=True),
    # the guards an operator may override for a run (CONTRACT.md "Settings")
    Variable("HYGIENE_DELETION_HOLD_SHARE", "0.02",
             "G2: hold a deletion list naming more than this share of contacts; 1 turns it off"),
    Variable("HYGIENE_MAX_UNPROVEN_GRANT_SHARE", "0.25",
             "M4: fail the run when more than this share of grants lacks proof"),
    Variable("HYGIENE_VOLUME_BAND", "0.3",
             "G1: fail the run when an extract's rows move more than this share"),
    # the privacy officer's report (hygiene.report)
    Variable("HYGIENE_LANGUAGE", "nl",
             "the language of the privacy report and the quality pages: nl (Dutch) or en (English)"),
    # reading the extracts
    Variable("HYGIENE_EXTRACT_ENCODING", "utf-8",
             "the encoding of extracts that are not UTF-8, e.g. cp1252 for a Windows export"),
    # the machine
    Variable("HYGIENE_DUCKDB_MEMORY_LIMIT", "",
             "memory each DuckDB of a night may take before it spills to disk, e.g. 6GB; empty = 30% "
             "of the machine's memory (in a container, set it: that is the host's)"),
    Variable("HYGIENE_DUCKDB_COMPRESSION", "auto",
             "how the warehouse stores its tables: auto (DuckDB's compression) or none (a faster "
             "night, with 3.5 to 5 times the disk and more memory)"),
    # the mail tools
    Variable("HYGIENE_MAIL_TOOLS", "",
             "which mail-tool exports to write (brevo,mailchimp,klaviyo,mailjet,sendgrid; empty = all; none)"),
    Variable("HYGIENE_EXPORT_OUTBOX", "",
             "deliver_exports: a folder or object-storage URL for the exports; empty = not delivered"),
    Variable("HYGIENE_EXPORT_OUTBOX_CONN_ID", "",
             "deliver_exports: the Airflow connection of the object store"),
    Variable("HYGIENE_BREVO_CONN_ID", "",
             "deliver_exports: an HTTP connection to push the blocklist to Brevo; empty = no push"),
    Variable("HYGIENE_SENDGRID_CONN_ID", "",
             "deliver_exports: an HTTP connection to push global suppressions to SendGrid"),
    # alerts (hygiene.alerts): a failed or degraded night, a held deletion list, late extracts
    Variable("HYGIENE_ALERT_EMAIL", "",
             "comma-separated recipients of the alerts, sent through the Airflow connection "
             "smtp_default; empty = no alerts"),
    # running
    Variable("HYGIENE_DBT_SENSOR_MODE", "deferrable",
             "how the dbt model tasks wait: deferrable (scheduler) or reschedule (airflow dags test)"),
)


def variable(name: str) -> Variable:
    return next(item for item in VARIABLES if item.name == name)
