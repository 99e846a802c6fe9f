from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CAMPUS_ADMIN = "campus_admin", _("Campus admin")
    CAMPUS_STAFF = "campus_staff", _("Campus staff")
    RESIDENT_MEMBER = "resident_member", _("Resident member")
    PARTNER = "partner", _("Partner viewer")
    GOVERNMENT = "government", _("Government viewer")


EDITOR_ROLES = frozenset({Role.CAMPUS_ADMIN, Role.CAMPUS_STAFF})
CAMPUS_WIDE_READER_ROLES = frozenset({Role.CAMPUS_ADMIN, Role.CAMPUS_STAFF, Role.PARTNER, Role.GOVERNMENT})
ROLES_WITH_ORGANIZATION = frozenset({Role.RESIDENT_MEMBER, Role.PARTNER})
