"""The privacy officer's report for D: counts, rules, policy and checks; never an address.

    facts = collect_facts(Night(...))        # report/facts.py: aggregates over the warehouse
    write_report(staging, facts)             # report/render.py: privacy_report.html and .pdf
    write_quality_pages(staging, run_date)   # quality/<suite>.html from quality/<suite>.json
    rewrite_report(run_folder, hold=...)     # after an approval: the same facts, changed

Words and formats live in report/words.py (Dutch by default, English with HYGIENE_LANGUAGE=en),
the charts in report/charts.py, the checks in plain words in report/checks.py.
"""

from hygiene.report.facts import FACTS_FILE, Night, collect_facts, degraded_facts
from hygiene.report.render import (
    PDF_FILE,
    REPORT_FILE,
    REPORT_FILES,
    rewrite_report,
    write_quality_pages,
    write_report,
)

__all__ = [
    "FACTS_FILE",
    "PDF_FILE",
    "REPORT_FILE",
    "REPORT_FILES",
    "Night",
    "collect_facts",
    "degraded_facts",
    "rewrite_report",
    "write_quality_pages",
    "write_report",
]
