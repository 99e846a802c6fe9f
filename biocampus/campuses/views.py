from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from biocampus.accounts import permissions
from biocampus.core.history import history_for
from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView
from biocampus.insight.kpis import campus_headline

from . import selectors, services
from .forms import CampusCreateForm, CampusForm, OperatorFormSet, ResidencyForm
from .models import Campus, CampusOperator, Residency


@require_GET
def home(request):
    choice = selectors.current_campus_for(request)
    campus = choice.current
    context = {"campus": campus, "headline": campus_headline(request.user, campus) if campus else None}
    return render(request, "campuses/home.html", context)


@require_POST
def choose_campus(request):
    """Remember the campus the user works on; only one of their own campuses can be chosen."""
    slug = request.POST.get("campus", "")
    if selectors.campuses_of_user(request.user).filter(slug=slug).exists():
        request.session[selectors.SESSION_KEY] = slug
    target = request.POST.get("next") or "/"
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


class CampusListView(RecordListView):
    model = Campus
    title = _("Campuses")
    create_url_name = "campuses:campus_create"
    columns = [
        Column(_("Campus"), "organization.name", link=True),
        Column(_("Chinese name"), "organization.name_zh"),
        Column(_("City"), "organization.city"),
        Column(_("Opened"), "opened_on"),
        Column(_("Fully operational"), "operational_on"),
    ]

    def selector(self, user):
        return selectors.campuses_for(user)


@require_GET
def campus_detail(request, slug):
    campus = get_object_or_404(selectors.campuses_for(request.user), slug=slug)
    residencies = selectors.residencies_for(request.user, campus=campus)
    context = {
        "campus": campus,
        "operators": campus.operator_links.select_related("organization"),
        "sisters": campus.sister_campuses.select_related("organization"),
        "residencies": residencies,
        "headline": campus_headline(request.user, campus),
        "can_edit": permissions.can(request.user, permissions.CHANGE, campus),
        "can_add_residency": permissions.can_add(request.user, Residency, campus=campus),
        "history": history_for(campus, children=((CampusOperator, "campus"),)),
    }
    return render(request, "campuses/campus_detail.html", context)


class CampusFormView(RecordFormView):
    model = Campus
    form_class = CampusForm
    slug_url_kwarg = "slug"
    slug_field = "slug"
    formset_classes = {"operators": OperatorFormSet}

    def get_form_class(self):
        return CampusForm if self.object is not None else CampusCreateForm

    def selector(self, user):
        return selectors.campuses_for(user)

    def formset_initial(self, name):
        if self.object is None:
            return []
        return [{"organization": link.organization, "role": link.role} for link in self.object.operator_links.all()]

    def perform(self, form, formsets):
        data = dict(form.cleaned_data)
        sisters = list(data.pop("sister_campuses"))
        operators = [(row["organization"], row["role"]) for row in formsets["operators"].rows()]
        return services.campus_save(
            actor=self.request.user, campus=self.object, sister_campuses=sisters, operators=operators, **data
        )


class ResidencyListView(RecordListView):
    model = Residency
    title = _("Residencies")
    create_url_name = "campuses:residency_create"
    columns = [
        Column(_("Organisation"), "organization.name", link=True),
        Column(_("Campus"), "campus"),
        Column(_("Status"), "get_status_display"),
        Column(_("Signed"), "signed_on"),
        Column(_("Moved in"), "moved_in_on"),
        Column(_("Signed at"), "signed_at"),
    ]

    def selector(self, user):
        residencies = selectors.residencies_for(user).select_related("signed_at")
        return selectors.residencies_filtered(residencies, self.request.GET)


class ResidencyDetailView(RecordDetailView):
    model = Residency
    template_name = "campuses/residency_detail.html"

    def selector(self, user):
        return selectors.residencies_for(user).select_related("signed_at")


class ResidencyFormView(RecordFormView):
    model = Residency
    form_class = ResidencyForm

    def selector(self, user):
        return selectors.residencies_for(user)

    def perform(self, form, formsets):
        if self.object is None:
            return services.residency_create(actor=self.request.user, **form.cleaned_data)
        return services.residency_update(actor=self.request.user, residency=self.object, **form.cleaned_data)
