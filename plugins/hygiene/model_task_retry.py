"""A model's task, tried again after the night's one `dbt build` succeeded, reports that build's
result for its model instead of building the model again (README, "Execution mode").

In Cosmos's watcher mode each model's task is a sensor of the one build (the producer). When
such a task is tried again once the producer has finished, Cosmos builds the model again, alone,
in a dbt process of its own (`dbt run --select <model>`). The night's model tasks are retried for
one reason only: now and then the scheduler fails a sensor that had succeeded
(apache/airflow#71172). Building the model again then would write to the warehouse a second
time, beside other retried tasks doing the same, and could not find the working tables of the
build, which lived in its memory and are gone (docs/decisions.md, 75). So after a successful
build that reported this model, the retry reads that report, as a first try does.

Every other retry keeps Cosmos's own way: after the night is cleared (the producer is then
skipped), each model is built alone in the warehouse file, its working tables with it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from airflow.sdk import TaskInstanceState


class _ReadsTheBuildsResultOnRetry:
    """Mixed into a Cosmos model sensor's own class (read_the_builds_result_on_retry)."""

    def _handle_retry(self, try_number: int, producer_task_state: str | None, context: Any):
        if (
            producer_task_state == TaskInstanceState.SUCCESS
            and self._get_node_status(context["ti"], context) is not None
        ):
            return None  # Cosmos's poke() goes on to read the build's result for the model
        return super()._handle_retry(try_number, producer_task_state, context)


@cache
def _reading_the_result(sensor_class: type) -> type:
    # The sensor's own class name, so that the Airflow UI names the operator as before; this
    # module as its module (without it the metaclass's, `abc`, would show as the task's module).
    namespace = {"__module__": __name__, "__qualname__": sensor_class.__qualname__}
    return type(sensor_class.__name__, (_ReadsTheBuildsResultOnRetry, sensor_class), namespace)


def read_the_builds_result_on_retry(sensor: Any) -> None:
    """Make a Cosmos model sensor read the successful build's result when it is tried again."""
    if not hasattr(sensor, "_handle_retry"):
        # Cosmos's watcher sensors decide a retry there (cosmos.operators._watcher.base);
        # without it this module would change nothing, so say so at DAG parse, not at 03:00.
        raise TypeError(f"{sensor.task_id}: {type(sensor).__name__} has no _handle_retry")
    sensor.__class__ = _reading_the_result(type(sensor))
