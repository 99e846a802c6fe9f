from django.db import models
from django.utils.translation import gettext_lazy as _


class MilestoneKind(models.TextChoices):
    FUNDING = "funding", _("Funding")
    LAB_OPENED = "lab_opened", _("Lab opened")
    FACILITY_OPENED = "facility_opened", _("Facility opened")
    CERTIFICATION = "certification", _("Certification or qualification")
    REGULATORY = "regulatory", _("Regulatory approval")
    MARKET_REACH = "market_reach", _("Market reach")
    PRODUCT_LAUNCH = "product_launch", _("Product launch")
    PROGRAMME_TARGET = "programme_target", _("Programme target")
    OTHER = "other", _("Other")


class FundingRoundType(models.TextChoices):
    ANGEL = "angel", _("Angel")
    SEED = "seed", _("Seed")
    PRE_A = "pre_a", _("Pre-A")
    SERIES_A = "series_a", _("Series A")
    SERIES_B = "series_b", _("Series B")
    SERIES_C = "series_c", _("Series C and later")
    STRATEGIC = "strategic", _("Strategic investment")
    GRANT = "grant", _("Grant")
    DEBT = "debt", _("Debt")
    IPO = "ipo", _("IPO")
    UNDISCLOSED = "undisclosed", _("Undisclosed")


class TargetStatus(models.TextChoices):
    """Where a target stands on a date (insight.kpis.target_progress decides)."""

    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    OVERDUE = "overdue", _("Overdue")
    NOT_STARTED = "not_started", _("Not started")


# Worst first: a programme is as far along as its furthest-behind target.
STATUS_SEVERITY = (
    TargetStatus.OVERDUE,
    TargetStatus.BEHIND,
    TargetStatus.NOT_STARTED,
    TargetStatus.ON_TRACK,
    TargetStatus.ACHIEVED,
)
