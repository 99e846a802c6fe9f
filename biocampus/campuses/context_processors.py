from .selectors import current_campus_for


def current_campus(request):
    """The campus the user has chosen (kept in the session) and the ones they can choose from."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"campus_choice": current_campus_for(request)}
