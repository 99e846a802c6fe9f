"""URLs under /api/v1/: the operations, the OpenAPI document, the docs page and its files.

The API answers for itself, so every view here is exempt from the login redirect (the operations
authenticate with 401 instead), and the answers Django or ninja would give as plain text or HTML (no such
path, a method the path does not have) get the API's error shape.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import URLPattern, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .api import api
from .docs import docs_asset
from .errors import error_response

app_name = api.urls_namespace


def _answers_in_json(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response["Allow"]
            message = _("%(method)s is not allowed here; this path answers %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed,
            }
            return error_response(405, message, headers={"Allow": allowed})
        return response

    # csrf_exempt: ninja checks CSRF itself, for session-authenticated unsafe calls only (auth.py).
    return login_not_required(csrf_exempt(wrapped))


@login_not_required
def index(request):
    """/api/v1/ itself: where the description of the API is, for a person or a client finding its way."""
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": request.build_absolute_uri(reverse("api-v1:openapi-json")),
            "docs": request.build_absolute_uri(reverse("api-v1:openapi-view")),
        }
    )


@login_not_required
@csrf_exempt
def not_found(request, rest: str = ""):
    return error_response(404, _("There is no such API path. GET /api/v1/docs lists every operation."))


ninja_patterns, _app, _namespace = api.urls
urlpatterns = [
    URLPattern(pattern.pattern, _answers_in_json(pattern.callback), pattern.default_args, pattern.name)
    for pattern in ninja_patterns
    if pattern.name != "api-root"  # ninja's root page is a 404 unless DEBUG; ours says where to look
]
urlpatterns += [
    path("", index, name="api-root"),
    path("docs/assets/<str:name>", docs_asset, name="docs-asset"),
    re_path(r"^(?P<rest>.*)$", not_found, name="not-found"),
]
