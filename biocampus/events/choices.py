from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    EXPO = "expo", _("Expo")
    CONFERENCE = "conference", _("Conference")
    FORUM = "forum", _("Forum")
    SUMMIT = "summit", _("Summit")
    CEREMONY = "ceremony", _("Ceremony")
    SIGNING = "signing", _("Signing ceremony")
    LAUNCH = "launch", _("Launch")
    WORKSHOP = "workshop", _("Workshop")
    OTHER = "other", _("Other")


class ParticipationRole(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    HOST = "host", _("Host")
    EXHIBITOR = "exhibitor", _("Exhibitor")
    SPEAKER = "speaker", _("Speaker")
    SIGNER = "signer", _("Signer")
    VISITOR = "visitor", _("Visitor")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    IN_TALKS = "in_talks", _("In talks")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


# Leads still to be followed up: a follow-up date only matters for these.
OPEN_LEAD_STATUSES = frozenset({LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.IN_TALKS})
