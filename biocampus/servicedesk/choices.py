from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_FOR_RESIDENT = "waiting_for_resident", _("Waiting for resident")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class RequestPriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


# Which status may follow which. Done and declined requests can be reopened by the staff.
REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.NEW: frozenset(
        {
            RequestStatus.ACCEPTED,
            RequestStatus.IN_PROGRESS,
            RequestStatus.WAITING_FOR_RESIDENT,
            RequestStatus.DONE,
            RequestStatus.DECLINED,
        }
    ),
    RequestStatus.ACCEPTED: frozenset(
        {RequestStatus.IN_PROGRESS, RequestStatus.WAITING_FOR_RESIDENT, RequestStatus.DONE, RequestStatus.DECLINED}
    ),
    RequestStatus.IN_PROGRESS: frozenset(
        {RequestStatus.WAITING_FOR_RESIDENT, RequestStatus.DONE, RequestStatus.DECLINED}
    ),
    RequestStatus.WAITING_FOR_RESIDENT: frozenset(
        {RequestStatus.IN_PROGRESS, RequestStatus.DONE, RequestStatus.DECLINED}
    ),
    RequestStatus.DONE: frozenset({RequestStatus.IN_PROGRESS}),
    RequestStatus.DECLINED: frozenset({RequestStatus.ACCEPTED}),
}

# A request in one of these is finished; the others are open.
CLOSED_STATUSES = frozenset({RequestStatus.DONE, RequestStatus.DECLINED})
OPEN_STATUSES = frozenset(RequestStatus.values) - CLOSED_STATUSES

# The time to answer a centre promises unless told otherwise, and the longest one may promise (90 days).
DEFAULT_TARGET_RESPONSE_HOURS = 48
MAX_TARGET_RESPONSE_HOURS = 24 * 90
