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


@register.simple_tag(takes_context=True)
def overdue_request_count(context) -> int:
    """Overdue requests of the current campus the signed-in user may read (for a badge in the top bar)."""
    from biocampus.servicedesk.selectors import overdue_count

    request = context.get("request")
    choice = context.get("campus_choice")
    if request is None or choice is None or choice.current is None or not request.user.is_authenticated:
        return 0
    return overdue_count(request.user, campus=choice.current)
