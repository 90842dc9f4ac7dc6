"""G5 for a night that `make run` stopped (docs/decisions.md, 77): a stopped night is a failed
one, and still publishes its objections. Airflow often ends such a night before its own
publish_degraded runs, so `make run` (hygiene.foreground) runs this once Airflow has ended:

    python -P -m hygiene.stopped_night <D> <Airflow run id> <task> <signal>

in a process of its own, as it ran the night, so that a second signal kills it as it kills a
night: a kill at any moment leaves every published run whole (docs/decisions.md, 40). It
announces the night's Assets as Airflow's publish_degraded does, so that deliver_exports hands
the objections on to the mail tools. What it did goes to the night's log, and its exit code
tells `make run` (an error's traceback exits 1).
"""

import sys

from hygiene.assets import PUBLISHED_NIGHT, announce
from hygiene.attempts import Attempt
from hygiene.nightly import publish_degraded_after_stop
from hygiene.settings import Settings
from hygiene.stopping import release_stopping_signals
from hygiene.summary import published_instead

PUBLISHED = 0
PUBLISHED_NOT_ANNOUNCED = 3
NOTHING_PUBLISHED = 4


def main(arguments: list[str]) -> int:
    release_stopping_signals()  # held by `make run` while it started this process
    run_date, run_id, task_id, signal_name = arguments
    attempt = Attempt(Settings.from_env(), run_date, run_id)
    extra = publish_degraded_after_stop(attempt, task_id, signal_name)
    print(f"After the stop, by make run: {published_instead(run_date, attempt.read_journal())}",
          flush=True)
    if extra is None:
        return NOTHING_PUBLISHED
    told = True
    for asset in PUBLISHED_NIGHT:
        announced = announce(asset, extra)
        print(announced.sentence, flush=True)
        told = told and announced.told
    return PUBLISHED if told else PUBLISHED_NOT_ANNOUNCED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
