from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidencyStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    APPLIED = "applied", _("Applied")
    IN_REVIEW = "in_review", _("In review")
    SIGNED = "signed", _("Signed")
    RESIDENT = "resident", _("Resident")
    GRADUATED = "graduated", _("Graduated")
    EXITED = "exited", _("Exited")
    DECLINED = "declined", _("Declined")


# The lifecycle: which status may follow which. Staff may also correct a status back one step.
RESIDENCY_TRANSITIONS: dict[str, frozenset[str]] = {
    ResidencyStatus.PROSPECT: frozenset({ResidencyStatus.APPLIED, ResidencyStatus.SIGNED, ResidencyStatus.DECLINED}),
    ResidencyStatus.APPLIED: frozenset({ResidencyStatus.IN_REVIEW, ResidencyStatus.DECLINED, ResidencyStatus.PROSPECT}),
    ResidencyStatus.IN_REVIEW: frozenset({ResidencyStatus.SIGNED, ResidencyStatus.DECLINED, ResidencyStatus.APPLIED}),
    ResidencyStatus.SIGNED: frozenset({ResidencyStatus.RESIDENT, ResidencyStatus.EXITED, ResidencyStatus.IN_REVIEW}),
    ResidencyStatus.RESIDENT: frozenset({ResidencyStatus.GRADUATED, ResidencyStatus.EXITED}),
    ResidencyStatus.GRADUATED: frozenset(),
    ResidencyStatus.EXITED: frozenset(),
    ResidencyStatus.DECLINED: frozenset({ResidencyStatus.PROSPECT}),
}

# Statuses in which an organisation counts as signed up by the campus (for "signed in a period").
SIGNED_STATUSES = frozenset(
    {ResidencyStatus.SIGNED, ResidencyStatus.RESIDENT, ResidencyStatus.GRADUATED, ResidencyStatus.EXITED}
)
ACTIVE_STATUSES = frozenset({ResidencyStatus.SIGNED, ResidencyStatus.RESIDENT})


class OperatorRole(models.TextChoices):
    CO_BUILDER = "co_builder", _("Co-builder")
    OPERATOR = "operator", _("Operator")
    SPONSOR = "sponsor", _("Sponsor")
