"""Who is calling: a personal API token (`Authorization: Bearer <token>`) or the browser session.

Either way the operation acts as that user (`request.auth`), through the same permission rules as the
pages. Anonymous calls get 401, never a redirect to the login page.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from biocampus.accounts.services import token_user

from .errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """A personal API token, made with `biocampus create_api_token USER`."""

    openapi_description = "A personal API token: `Authorization: Bearer bc_…` (`biocampus create_api_token USER`)."

    def authenticate(self, request, token: str):
        user = token_user(token.strip())
        if user is None:
            # Kept for the 401 message: "your token is wrong" helps more than "authentication required".
            request.api_auth_problem = _(
                "This API token is not valid: it is unknown, revoked or expired, or its owner is inactive. "
                "Create a new one with `biocampus create_api_token USER`."
            )
            return None
        request.user = user  # so that everything reading request.user (history, logging) sees the owner
        return user


class SessionAuth(APIKeyCookie):
    """The browser session of a signed-in user; unsafe methods also need the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The session cookie of a signed-in browser; POST/PATCH/DELETE also need X-CSRFToken."

    def _get_key(self, request):
        # ninja checks CSRF before knowing who is calling, which answers an anonymous POST with 403; we
        # check it in authenticate(), so that anonymous calls get 401 and only signed-in ones can fail CSRF.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(
                403,
                _(
                    "CSRF check failed: a browser session must send the X-CSRFToken header on POST, PATCH and "
                    "DELETE. Scripts should use an API token instead."
                ),
            )
        return user


API_AUTH = [TokenAuth(), SessionAuth()]
