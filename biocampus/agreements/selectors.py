from django.db.models import Prefetch, QuerySet

from biocampus.accounts.permissions import visible
from biocampus.directory.search import search_records

from .models import Agreement, AgreementParty


def agreements_for(user, *, campus=None, type: str = "", q: str = "", organization=None) -> QuerySet[Agreement]:
    agreements = visible(Agreement.objects.select_related("campus__organization", "signed_at"), user)
    if campus is not None:
        agreements = agreements.filter(campus=campus)
    if type:
        agreements = agreements.filter(type=type)
    if organization is not None:
        agreements = agreements.filter(
            pk__in=AgreementParty.objects.filter(organization=organization).values("agreement")
        )
    agreements = search_records(agreements, q, ("title", "title_zh", "summary"))
    return agreements.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization"))
    )
