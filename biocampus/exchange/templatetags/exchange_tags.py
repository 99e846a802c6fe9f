from django import template

from biocampus.accounts.permissions import can_add
from biocampus.directory.models import Organization

register = template.Library()


@register.filter
def may_import(user) -> bool:
    """Whether the nav shows Import: those who may add records (campus admins and staff, superusers)."""
    return can_add(user, Organization)
