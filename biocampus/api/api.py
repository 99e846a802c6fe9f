"""The one BioCampus API, /api/v1/: every router of the apps mounted on one django-ninja object.

Each app keeps its operations in its own api.py; this module only assembles them, sets who may call
(an API token or the browser session, for every operation) and how errors look (errors.py).
"""

from __future__ import annotations

import json

from ninja import NinjaAPI
from ninja.parser import Parser

from biocampus.accounts.api import router as accounts_router
from biocampus.agreements.api import router as agreements_router
from biocampus.campuses.api import router as campuses_router
from biocampus.directory.api import router as directory_router
from biocampus.events.api import router as events_router
from biocampus.insight.api import router as insight_router
from biocampus.intake.api import router as intake_router
from biocampus.progress.api import router as progress_router
from biocampus.servicedesk.api import router as servicedesk_router
from biocampus.webhooks.api import router as webhooks_router

from .auth import API_AUTH
from .docs import OfflineSwagger
from .errors import install_error_handlers

DESCRIPTION = """
The BioCampus API: the registry of organisations and people, campuses and their residents, agreements,
events, milestones, programmes, targets and funding rounds — with the same permissions as the pages.

* **Authentication**: `Authorization: Bearer <token>` (create one with `biocampus create_api_token USER`),
  or the session of a signed-in browser (POST, PATCH and DELETE then need the `X-CSRFToken` header).
* **Ids** are the records' public UUIDs; related records are named by their id.
* **Lists** take `search`, filters, `limit` (at most 200) and `cursor` (the previous page's `next_cursor`).
* **Concurrency**: a record's GET returns an `ETag`; send it as `If-Match` with PATCH or DELETE and a stale
  version is refused with 412 instead of overwriting someone else's change.
* **Errors** all look like `{"error": {"status", "code", "message", "fields"}}`.

See docs/api.md in the source for examples.
"""


def _not_json(constant: str):
    raise ValueError(f"{constant} is not a JSON value; send numbers as digits")


class StrictJSONParser(Parser):
    """JSON as RFC 8259 defines it: Python's parser would also take NaN and Infinity."""

    def parse_body(self, request):
        return json.loads(request.body, parse_constant=_not_json)


class BioCampusAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Short ids (list_organizations) for generated clients; view names are unique across routers.
        return operation.view_func.__name__


api = BioCampusAPI(
    title="BioCampus API",
    version="1.0.0",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
    auth=API_AUTH,
    docs=OfflineSwagger(),
    parser=StrictJSONParser(),
)
install_error_handlers(api)

api.add_router("/", directory_router)
api.add_router("/", campuses_router)
api.add_router("/", agreements_router)
api.add_router("/", events_router)
api.add_router("/", progress_router)
api.add_router("/", intake_router)
api.add_router("/", servicedesk_router)
api.add_router("/", insight_router)
api.add_router("/", accounts_router)
api.add_router("/webhooks", webhooks_router)
