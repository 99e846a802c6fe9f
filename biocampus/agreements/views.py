from django.utils.translation import gettext_lazy as _

from biocampus.agreements.choices import SIGNED_AGREEMENT_STATUSES
from biocampus.core.list_filters import campus_and_period, organization_of
from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView

from . import services
from .forms import AgreementForm, PartyFormSet
from .models import Agreement, AgreementDocument, AgreementParty, Obligation
from .selectors import agreements_for


def _parties(agreement):
    return ", ".join(party.organization.name for party in agreement.parties.all())


class AgreementListView(RecordListView):
    model = Agreement
    title = _("Agreements")
    create_url_name = "agreements:agreement_create"
    columns = [
        Column(_("Title"), "title", link=True),
        Column(_("Type"), "get_type_display"),
        Column(_("Parties"), _parties),
        Column(_("Signed"), "signed_on"),
        Column(_("At"), "signed_at"),
        Column(_("Campus"), "campus"),
    ]

    def selector(self, user):
        params = self.request.GET
        organization = organization_of(params)
        if organization is False:
            return Agreement.objects.none()
        agreements = agreements_for(
            user, q=params.get("q", "").replace("\x00", ""), type=params.get("type", ""), organization=organization
        )
        if params.get("signed") == "1":
            agreements = agreements.filter(status__in=SIGNED_AGREEMENT_STATUSES)
        return campus_and_period(agreements, params, dates=("signed_on", "signed_at__starts_on"))


class AgreementDetailView(RecordDetailView):
    model = Agreement
    template_name = "agreements/agreement_detail.html"
    history_children = ((AgreementParty, "agreement"), (Obligation, "agreement"), (AgreementDocument, "agreement"))

    def selector(self, user):
        return agreements_for(user).prefetch_related("obligations__party", "documents")


class AgreementFormView(RecordFormView):
    model = Agreement
    form_class = AgreementForm
    formset_classes = {"parties": PartyFormSet}

    def selector(self, user):
        return agreements_for(user)

    def formset_initial(self, name):
        if self.object is None:
            return []
        return [
            {"organization": p.organization, "role": p.role, "signatory": p.signatory}
            for p in self.object.parties.all()
        ]

    def perform(self, form, formsets):
        parties = formsets["parties"].rows()
        if self.object is None:
            return services.agreement_create(actor=self.request.user, parties=parties, **form.cleaned_data)
        return services.agreement_update(
            actor=self.request.user, agreement=self.object, parties=parties, **form.cleaned_data
        )
