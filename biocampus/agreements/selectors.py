from django.db.models import Prefetch, QuerySet

from biocampus.accounts.permissions import visible

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
    for term in q.split():
        agreements = agreements.filter(title__icontains=term) | agreements.filter(title_zh__icontains=term)
    return agreements.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization"))
    )
