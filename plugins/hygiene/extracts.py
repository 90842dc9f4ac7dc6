"""The input extracts of CONTRACT.md, as data.

One place names every extract, its columns, their types and which are required, so that the
loader, the data-quality suites, the demo generator and the tests all agree on the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    """How a column is parsed from text (CONTRACT.md "Input")."""

    TEXT = "text"
    BOOLEAN = "boolean"  # true/false, 1/0, yes/no, ja/nee, any case
    DATE = "date"  # YYYY-MM-DD
    TIMESTAMP = "timestamp"  # ISO 8601; no offset means Europe/Amsterdam
    DECIMAL = "decimal"  # euro amount


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    required: bool = False  # must be present in the header and non-empty in every row
    accepted: tuple[str, ...] = ()  # allowed values (checked by the raw_extracts suite)
    default: str | None = None  # value used when the cell is empty


@dataclass(frozen=True)
class Extract:
    name: str  # table name in the `raw` schema
    key: str | None  # primary key column, unique
    columns: tuple[Column, ...]
    optional_file: bool = False  # may be absent from the landing folder
    # A row whose value in this address column is empty or invalid can stop no one: it is
    # reported (count, row numbers) and skipped instead of failing the night (CONTRACT.md).
    skip_rows_without_address: str | None = None

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SIGNUP_SOURCES = ("booking", "newsletter", "account", "contest", "survey", "import", "other")
BOOKING_STATUSES = ("quote", "option", "confirmed", "cancelled", "completed")
PRODUCT_TYPES = (
    "package", "flight", "accommodation", "car_rental", "excursion", "insurance", "other",
)
EVENT_CHANNELS = ("email", "sms", "all")
EVENT_PURPOSES = ("newsletter", "offers", "partner_offers", "all")
EVENT_ACTIONS = ("grant", "withdraw", "object")
EVENT_SOURCES = (
    "web_form", "double_opt_in", "booking_form", "call_center", "paper", "import", "mail_tool",
    "other",
)
UNSUBSCRIBE_PURPOSES = ("newsletter", "offers", "partner_offers")

CRM_CONTACTS = Extract(
    name="crm_contacts",
    key="contact_id",
    columns=(
        Column("contact_id", required=True),
        Column("email"),
        Column("phone"),
        Column("first_name"),
        Column("last_name"),
        Column("created_at", Kind.TIMESTAMP, required=True),
        Column("signup_source", required=True, accepted=SIGNUP_SOURCES),
        Column("legal_hold", Kind.BOOLEAN, default="false"),
    ),
)

BOOKINGS = Extract(
    name="bookings",
    key="booking_id",
    columns=(
        Column("booking_id", required=True),
        Column("contact_id"),
        Column("booker_email"),
        Column("booker_phone"),
        Column("booked_at", Kind.TIMESTAMP, required=True),
        Column("status", required=True, accepted=BOOKING_STATUSES),
        Column("confirmed_at", Kind.TIMESTAMP),
        # An invoice date; a full timestamp is accepted too (R4 uses its year).
        Column("invoiced_at", Kind.TIMESTAMP),
        Column("product_type", required=True, accepted=PRODUCT_TYPES),
        Column("departure_date", Kind.DATE),
        Column("return_date", Kind.DATE),
        Column("total_amount", Kind.DECIMAL),
        Column("marketing_optout_offered", Kind.BOOLEAN, required=True),
    ),
)

CONSENT_EVENTS = Extract(
    name="consent_events",
    key="event_id",
    columns=(
        Column("event_id", required=True),
        Column("contact_id", required=True),
        Column("channel", required=True, accepted=EVENT_CHANNELS),
        Column("purpose", required=True, accepted=EVENT_PURPOSES),
        Column("action", required=True, accepted=EVENT_ACTIONS),
        Column("occurred_at", Kind.TIMESTAMP, required=True),
        Column("source", required=True, accepted=EVENT_SOURCES),
        Column("proof_ref"),
        Column("consent_text_version"),
    ),
)

MAILTOOL_UNSUBSCRIBES = Extract(
    name="mailtool_unsubscribes",
    key=None,
    columns=(
        Column("email", required=True),
        Column("unsubscribed_at", Kind.TIMESTAMP, required=True),
        Column("purpose", accepted=UNSUBSCRIBE_PURPOSES),
    ),
    optional_file=True,
    skip_rows_without_address="email",
)

EXTRACTS: tuple[Extract, ...] = (CRM_CONTACTS, BOOKINGS, CONSENT_EVENTS, MAILTOOL_UNSUBSCRIBES)

READY_FILE = "_READY"
MANIFEST_FILE = "extract_manifest.json"


def extract_named(name: str) -> Extract:
    return next(e for e in EXTRACTS if e.name == name)
