"""Errors a person can act on: what was wrong, where, and what to do."""


class HygieneError(Exception):
    """Base of the errors this package raises on purpose."""


class SettingsError(HygieneError):
    """A setting (an environment variable of README's table) has a value the product does not
    accept; the message names the variable and the values it does."""


class ExtractError(HygieneError):
    """An input extract is missing, unreadable or breaks CONTRACT.md (G1: nothing is published)."""


class PublishError(HygieneError):
    """The outputs could not be published; the previous `latest` is untouched."""


class ExportError(HygieneError):
    """The mail-tool exports are misconfigured or could not be written (CONTRACT.md)."""


class DeliveryError(HygieneError):
    """The exports could not be delivered to the outbox or a mail tool."""
