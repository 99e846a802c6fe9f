"""The interactive documentation page (/api/v1/docs), served without any CDN.

ninja serves its Swagger UI files only when "ninja" is an installed app and otherwise links a CDN, which
campuses behind a firewall cannot reach. The files ship inside the ninja package, so we serve the few
the page needs from there: the page then always matches the installed ninja version.
"""

from __future__ import annotations

import json
from pathlib import Path

import ninja
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja import Swagger

_ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}


class OfflineSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs), "persistAuthorization": True}
        context = {"swagger_settings": json.dumps(settings), "api": api}
        return render(request, "api/swagger.html", context)


@login_not_required
@require_GET
@cache_control(public=True, max_age=24 * 3600)
def docs_asset(request, name: str):
    if name not in _ASSETS:
        raise Http404(name)
    return FileResponse((_ASSET_DIR / name).open("rb"), content_type=_ASSETS[name])
