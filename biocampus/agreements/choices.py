from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementType(models.TextChoices):
    STRATEGIC_COOPERATION = "strategic_cooperation", _("Strategic cooperation")
    COOPERATION = "cooperation", _("Cooperation")
    FRAMEWORK = "framework", _("Framework agreement")
    MOU = "mou", _("Memorandum of understanding")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    COMMERCIALISATION = "commercialisation", _("Commercialisation")
    INVESTMENT = "investment", _("Investment")
    LICENSING = "licensing", _("Licensing")
    RESIDENCY = "residency", _("Residency")
    PROCUREMENT = "procurement", _("Procurement")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("In force")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    EXPIRED = "expired", _("Expired")


SIGNED_AGREEMENT_STATUSES = frozenset(
    {
        AgreementStatus.SIGNED,
        AgreementStatus.ACTIVE,
        AgreementStatus.COMPLETED,
        AgreementStatus.TERMINATED,
        AgreementStatus.EXPIRED,
    }
)


class PartyRole(models.TextChoices):
    PARTY = "party", _("Party")
    LEAD = "lead", _("Lead party")
    PARTNER = "partner", _("Partner")
    INVESTOR = "investor", _("Investor")
    RECIPIENT = "recipient", _("Recipient")
    LICENSOR = "licensor", _("Licensor")
    LICENSEE = "licensee", _("Licensee")
    HOST = "host", _("Host")
    WITNESS = "witness", _("Witness")


class ObligationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    WAIVED = "waived", _("Waived")
