"""Template filters of the intake: whether to show the Applications menu."""

from django import template

from biocampus.accounts.permissions import can_add

register = template.Library()


@register.filter
def may_review_applications(user) -> bool:
    """Campus admins and staff (of any campus) and superusers: those who see applications."""
    from biocampus.intake.models import Application

    return bool(getattr(user, "is_authenticated", False)) and can_add(user, Application)
