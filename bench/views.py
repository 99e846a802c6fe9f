"""The bare Django view P4 compares the API with: one organisation's fields as JSON, no framework, no
permission check (the API does one: that is part of what is measured)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from biocampus.directory.models import Organization

FIELDS = (
    "public_id",
    "name",
    "name_zh",
    "aliases",
    "kind",
    "country",
    "city",
    "website",
    "description",
    "founded_year",
    "created_at",
    "updated_at",
)


@login_not_required  # the peer is the bare view: no login redirect (wrk would count those as answers)
@require_GET
def bare_organization(request, public_id):
    row = Organization.objects.filter(public_id=public_id).values(*FIELDS).first()
    if row is None:
        raise Http404
    return JsonResponse(row)
