from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    PHARMA = "pharma", _("Pharma")
    INVESTOR = "investor", _("Investor")
    GOVERNMENT = "government", _("Government body")
    ASSOCIATION = "association", _("Association")
    HOSPITAL = "hospital", _("Hospital")
    UNIVERSITY = "university", _("University")
    CAMPUS = "campus", _("Campus")
    HUB = "hub", _("Hub")
    SERVICE_CENTER = "service_center", _("Service centre")
    LAB = "lab", _("Lab")
    OTHER = "other", _("Other")


class IdentifierScheme(models.TextChoices):
    USCC = "uscc", _("Unified social credit code")
    LEI = "lei", _("Legal entity identifier (LEI)")
    DUNS = "duns", _("D-U-N-S number")
    COMPANY_REGISTRY = "registry", _("Company registry number")
    OTHER = "other", _("Other")
