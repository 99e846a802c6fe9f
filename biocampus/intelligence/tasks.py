"""Background work of the intelligence app, run by `biocampus db_worker`."""

from django_tasks import task

from . import services


@task()
def run_ingest(run_id: int) -> None:
    """Store and extract the documents of a queued ingest run; a no-op if someone already took it."""
    services.ingest_run_execute(run_id)
