"""Background work: sending deliveries. Run by `biocampus db_worker` (django-tasks-db)."""

from django_tasks import task

from . import services


@task()
def deliver_webhook(delivery_id: str, attempt: int) -> str:
    """Make one attempt at one delivery (see services.delivery_attempt)."""
    return services.delivery_attempt(delivery_id=delivery_id, attempt=attempt)
