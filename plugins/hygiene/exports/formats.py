"""Each mail tool's import format for a suppression list, as data (CONTRACT.md "Mail-tool exports").

CONTRACT.md is the interface; the tools' own documentation was checked against it:

- Brevo: the email column is named `EMAIL`; values separated by `;`, `,` or tab; UTF-8; files up
  to 250 MB (help.brevo.com/hc/en-us/articles/208729849). Blocklisting is ticked at import
  (the API's `emailBlacklist`, developers.brevo.com/reference/import-contacts).
- Mailchimp: the one required column is `Email Address` (mailchimp.com help, "Format Guidelines
  for Your Import File"); the status "unsubscribed" is chosen in the import.
- Klaviyo: "remove all columns except the column with the header Email", then Profiles >
  Suppressed profiles > Upload file (help.klaviyo.com/hc/en-us/articles/115005073867).
- Mailjet: Contacts > Exclusion list > Manage contacts takes a CSV or TXT file of addresses;
  only addresses are read (documentation.mailjet.com/hc/en-us/articles/360042455934).
- SendGrid: `POST /v3/asm/suppressions/global` takes `{"recipient_emails": [...]}`
  (twilio.com/docs/sendgrid/api-reference/suppressions-global-suppressions/
  add-recipient-addresses-to-the-global-suppression-group).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hygiene.errors import ExportError

EXPORTS_FOLDER = "exports"
PURPOSES = ("newsletter", "offers", "partner_offers")
MAIL_TOOLS_VARIABLE = "HYGIENE_MAIL_TOOLS"
NO_TOOLS = "none"


@dataclass(frozen=True)
class ExportFormat:
    tool: str
    extension: str  # "csv" or "json"
    field: str  # the CSV header the tool reads addresses from, or the JSON key of the array
    delimiter: str = ","  # CSV only

    def relative_path(self, purpose: str) -> str:
        """Where the export of `purpose` lives in a run's folder, as the run manifest names it."""
        return f"{EXPORTS_FOLDER}/{self.tool}/{purpose}.{self.extension}"


# In the order of CONTRACT.md; the keys are what HYGIENE_MAIL_TOOLS names.
FORMATS = {
    "brevo": ExportFormat("brevo", "csv", "EMAIL", delimiter=";"),
    "mailchimp": ExportFormat("mailchimp", "csv", "Email Address"),
    "klaviyo": ExportFormat("klaviyo", "csv", "Email"),
    "mailjet": ExportFormat("mailjet", "csv", "email"),
    "sendgrid": ExportFormat("sendgrid", "json", "recipient_emails"),
}


def export_format(tool: str) -> ExportFormat:
    if tool not in FORMATS:
        raise ExportError(f"{tool!r} is not a mail tool with an export; known: {', '.join(FORMATS)}.")
    return FORMATS[tool]


def mail_tools_from_env(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The tools HYGIENE_MAIL_TOOLS names (comma-separated, any case), in CONTRACT.md's order.

    Empty or unset means every tool (the contract's default); `none` means no exports at all.
    """
    value = environ.get(MAIL_TOOLS_VARIABLE, "")
    names = {name.strip().lower() for name in value.split(",")} - {""}
    if not names:
        return tuple(FORMATS)
    if NO_TOOLS in names:
        if len(names) > 1:
            raise ExportError(
                f"{MAIL_TOOLS_VARIABLE}={value!r}: {NO_TOOLS!r} turns the exports off and cannot "
                "be combined with tool names; give either the tools or 'none'."
            )
        return ()
    unknown = sorted(names - set(FORMATS))
    if unknown:
        raise ExportError(
            f"{MAIL_TOOLS_VARIABLE}={value!r} names {', '.join(map(repr, unknown))}, which "
            f"{'is not a known mail tool' if len(unknown) == 1 else 'are not known mail tools'}. "
            f"Known: {', '.join(FORMATS)}; leave it empty for all of them, or set it to "
            f"{NO_TOOLS!r} for no exports."
        )
    return tuple(tool for tool in FORMATS if tool in names)
