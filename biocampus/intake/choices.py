from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    """Where an application stands: the columns of the board."""

    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    WAITING = "waiting", _("Waiting list")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PRECLINICAL = "preclinical", _("Preclinical")
    CLINICAL = "clinical", _("Clinical")
    MARKETED = "marketed", _("Approved / marketed")
    GROWTH = "growth", _("Growth")


class Need(models.TextChoices):
    """What an applicant needs from the campus."""

    LAB_SPACE = "lab_space", _("Lab space")
    OFFICE_SPACE = "office_space", _("Office space")
    FUNDING = "funding", _("Funding and investors")
    CERTIFICATION = "certification", _("Certification and registration")
    TALENT = "talent", _("Talent and foreign affairs")
    MARKET_ACCESS = "market_access", _("Procurement and market access")
    PHARMA_PARTNERING = "pharma_partnering", _("Partnering with pharma")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """A decision on an application, and a reviewer's recommendation."""

    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    WAIT = "wait", _("Waiting list")


# The status an application takes after each kind of decision.
STATUS_AFTER = {
    Outcome.ACCEPT: ApplicationStatus.ACCEPTED,
    Outcome.DECLINE: ApplicationStatus.DECLINED,
    Outcome.WAIT: ApplicationStatus.WAITING,
}
# Statuses in which an application still waits for a decision (a declined one may be reconsidered).
OPEN_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.WAITING})

SCORE_MIN, SCORE_MAX = 1, 5
MAX_ATTACHMENTS = 5
