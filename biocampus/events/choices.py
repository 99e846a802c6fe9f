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
