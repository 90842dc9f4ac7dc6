"""Mail-tool exports (CONTRACT.md "Mail-tool exports"): the suppression list in each mail tool's
own import format (`formats`, `write`), and its delivery to an outbox or a tool's API
(`delivery`, run by dags/deliver_exports.py).
"""
