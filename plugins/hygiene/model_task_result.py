"""A model's task reports what the night's one `dbt build` did to its model; it builds the model
alone only after the night was cleared (README, "Execution mode").

In Cosmos's watcher mode each model's task is a sensor of the one build (the producer). Cosmos
builds a model again, alone, in a dbt process of its own (`dbt run --select <model>`), in two
cases where this product must not:

- **A retry after a successful build.** The night's model tasks are retried for one reason only:
  now and then the scheduler fails a sensor that had succeeded (apache/airflow#71172). Building
  the model again would write to the warehouse a second time, beside other retried tasks doing
  the same, and could not find the working tables of the build, which lived in its memory and
  are gone (docs/decisions.md, 75). So the retry reads the build's report, as a first try does.
- **`make run`: a first try after a failed build that never reached the model** (dbt
  interrupted, stopped, out of memory). Under `airflow dags test` every such model would be
  built alone, one after another, on the failed night's warehouse: minutes at a million
  contacts, a stopped `make run` kept running, and an error about a missing working table in
  place of the build's own. The task fails at once instead, pointing to the build's log, as
  Cosmos's deferred sensor in the scheduler does when its trigger sees the producer fail
  (docs/decisions.md, 77).

In the scheduler, Cosmos's own ways stand for the rest: a model's task a person clears after a
failed or cleared night builds its model alone in the warehouse file, its working tables with
it (so does the scheduler's automatic retry of a task whose build failed).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from airflow.sdk import TaskInstanceState
from airflow.sdk.exceptions import AirflowException

from hygiene.settings import FOREGROUND_VARIABLE


class _ReadsTheBuildsResult:
    """Mixed into a Cosmos model sensor's own class (read_the_builds_result)."""

    def _handle_retry(self, try_number: int, producer_task_state: str | None, context: Any):
        if (
            producer_task_state == TaskInstanceState.SUCCESS
            and self._get_node_status(context["ti"], context) is not None
        ):
            return None  # Cosmos's poke() goes on to read the build's result for the model
        return super()._handle_retry(try_number, producer_task_state, context)

    def _handle_no_dbt_node_status(
        self, producer_task_state: str | None, try_number: int, context: Any
    ) -> bool:
        if (
            producer_task_state == TaskInstanceState.FAILED
            and try_number == 1
            and os.environ.get(FOREGROUND_VARIABLE)
        ):
            raise AirflowException(
                f"The night's dbt build failed before it reached {self.model_unique_id}: its "
                f"cause is in the log of task {self.producer_task_id}. Once it is mended, run "
                "the night again (make run DATE=D)."
            )
        return super()._handle_no_dbt_node_status(producer_task_state, try_number, context)


@cache
def _reading_the_result(sensor_class: type) -> type:
    # The sensor's own class name, so that the Airflow UI names the operator as before; this
    # module as its module (without it the metaclass's, `abc`, would show as the task's module).
    namespace = {"__module__": __name__, "__qualname__": sensor_class.__qualname__}
    return type(sensor_class.__name__, (_ReadsTheBuildsResult, sensor_class), namespace)


def read_the_builds_result(sensor: Any) -> None:
    """Make a Cosmos model sensor report the build's result (module docstring)."""
    for method in ("_handle_retry", "_handle_no_dbt_node_status"):
        if not hasattr(sensor, method):
            # Cosmos's watcher sensors decide there (cosmos.operators._watcher.base); without
            # them this module would change nothing, so say so at DAG parse, not at 03:00.
            raise TypeError(f"{sensor.task_id}: {type(sensor).__name__} has no {method}")
    sensor.__class__ = _reading_the_result(type(sensor))
