"""Background work of import and export, run by `biocampus db_worker`."""

from django_tasks import task

from . import runs


@task()
def run_import_stage(run_id: int) -> None:
    """Check or import the file of an import run (whichever stage is queued); a no-op if already taken."""
    runs.execute(run_id)
