"""Background work of insight, run by `biocampus db_worker`."""

from django_tasks import task

from biocampus.insight.reports import runs


@task()
def generate_report(run_id: int) -> None:
    """Generate the report of a queued report run; a no-op if already taken."""
    runs.execute(run_id)


@task()
def rebuild_network_rollups() -> bool:
    """Rebuild the network's KPI rollups after a change set them aside (network_rollups.invalidate); a no-op
    when they are complete already (asked for twice, or `rebuild_rollups` was quicker). True if rebuilt."""
    from biocampus.insight import network_rollups, rollups

    if network_rollups.is_current():
        return False
    rollups.rebuild_network()
    return True
