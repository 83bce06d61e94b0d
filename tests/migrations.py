"""Run a data migration against rows made in the schema before it."""

from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def apps_at(targets: list[tuple[str, str]]) -> Any:
    """Migrate the test database to `targets` and return the models as they were there.
    The caller migrates forward again (`call_command("migrate")`) when done. Typed `Any`:
    the historical registry holds models the code no longer has, which mypy cannot match."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps
