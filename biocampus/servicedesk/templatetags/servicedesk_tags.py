from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def response_time(hours) -> str:
    """48 -> "2 days", 36 -> "36 hours": how a time to answer reads."""
    if not hours:
        return ""
    if hours % 24 == 0:
        days = hours // 24
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
