from django import template

from biocampus.webhooks.selectors import may_manage_webhooks as _may_manage_webhooks

register = template.Library()


@register.filter
def may_manage_webhooks(user) -> bool:
    """`{% if user|may_manage_webhooks %}`: whether to offer the Webhooks pages (the nav link)."""
    return _may_manage_webhooks(user)
