"""Background work of insight, run by `biocampus db_worker`."""

from django_tasks import task

from biocampus.insight.reports import runs


@task()
def generate_report(run_id: int) -> None:
    """Generate the report of a queued report run; a no-op if already taken."""
    runs.execute(run_id)
