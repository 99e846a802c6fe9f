from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvenanceMethod(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a file")
    EXTRACTION = "extraction", _("Extracted from a source document")
    DEMO = "demo", _("Demo data")
    SYSTEM = "system", _("Created by the system")


class DatePrecision(models.TextChoices):
    """How much of a date the source states: "September 2019" is a month, not the 1st."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
