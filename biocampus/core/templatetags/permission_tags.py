"""Template questions about permissions, answered by accounts.permissions (never decided in a template)."""

from django import template
from django.apps import apps

from biocampus.accounts.permissions import campuses_reportable_by, can_add

register = template.Library()


@register.filter
def may_add(user, model_label: str) -> bool:
    """`{% if user|may_add:"intake.application" %}`: whether the user may add such records at some campus
    (to decide whether to offer a link)."""
    return can_add(user, apps.get_model(model_label))


@register.filter
def may_report(user) -> bool:
    """Whether to offer campus-wide reports: the user reads every record of some campus."""
    return campuses_reportable_by(user).exists()
