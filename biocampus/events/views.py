from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from biocampus.accounts.permissions import can_add
from biocampus.campuses.models import Campus
from biocampus.campuses.selectors import campuses_for, campuses_of_user
from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView

from . import services
from .calendar import events_calendar, feed_owner, feed_token
from .choices import LeadStatus
from .forms import EventForm, LeadForm, ParticipationFormSet, ShowcaseFormSet
from .models import Event, Lead, Participation, Showcase
from .selectors import (
    calendar_events_for,
    editable_lead_ids,
    event_detail_for,
    event_outcomes,
    events_for,
    leads_for,
    participants_by_role,
)


class EventListView(RecordListView):
    model = Event
    title = gettext_lazy("Events")
    template_name = "events/event_list.html"
    create_url_name = "events:event_create"
    columns = [
        Column(gettext_lazy("Event"), "name", link=True),
        Column(gettext_lazy("Kind"), "get_kind_display"),
        Column(gettext_lazy("Starts"), "starts_on"),
        Column(gettext_lazy("Ends"), "ends_on"),
        Column(gettext_lazy("Place"), "city"),
        Column(gettext_lazy("Campus"), "campus"),
    ]

    def selector(self, user):
        return events_for(user, q=self.request.GET.get("q", "").replace("\x00", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["calendars"] = [
            {
                "campus": campus,
                "download": reverse("events:campus_calendar", kwargs={"slug": campus.slug}),
                "feed": self.request.build_absolute_uri(
                    reverse("events:calendar_feed", kwargs={"token": feed_token(self.request.user, campus)})
                ),
            }
            for campus in campuses_of_user(self.request.user)
        ]
        return context


class EventDetailView(RecordDetailView):
    model = Event
    template_name = "events/event_detail.html"
    history_children = ((Showcase, "event"), (Participation, "event"))

    def selector(self, user):
        return event_detail_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, event = self.request.user, self.object
        leads = list(leads_for(user, event=event))
        context.update(
            participant_groups=participants_by_role(event),
            leads=leads,
            editable_leads=editable_lead_ids(user, leads),
            can_add_lead=can_add(user, Lead, campus=event.campus),
        )
        return context


class EventFormView(RecordFormView):
    model = Event
    form_class = EventForm
    formset_classes = {"showcases": ShowcaseFormSet, "participations": ParticipationFormSet}

    def selector(self, user):
        return events_for(user)

    def formset_initial(self, name):
        if self.object is None:
            return []
        if name == "participations":
            return [
                {"organization": p.organization, "role": p.role}
                for p in self.object.participations.select_related("organization")
            ]
        return [
            {
                "organization": s.organization,
                "offering": s.offering,
                "booth_host": s.booth_host,
                "description": s.description,
                "outcome": s.outcome,
            }
            for s in self.object.showcases.select_related("organization", "booth_host")
        ]

    def perform(self, form, formsets):
        children = {
            "showcases": formsets["showcases"].rows(),
            "participations": formsets["participations"].rows(),  # None: not sent, left as they are
        }
        if self.object is None:
            return services.event_create(actor=self.request.user, **children, **form.cleaned_data)
        return services.event_update(actor=self.request.user, event=self.object, **children, **form.cleaned_data)


@require_GET
def event_outcomes_view(request, public_id):
    """What came of an event, on one page."""
    event = get_object_or_404(events_for(request.user), public_id=public_id)
    return render(
        request, "events/event_outcomes.html", {"object": event, "outcomes": event_outcomes(request.user, event)}
    )


# --- leads -----------------------------------------------------------------------------------------------


def _became(lead) -> str:
    parts = []
    if lead.agreement_id and lead.agreement_visible:
        parts.append(lead.agreement.title)
    if lead.residency_id and lead.residency_visible:
        parts.append(str(lead.residency))
    return "; ".join(parts)


class LeadListView(RecordListView):
    model = Lead
    title = gettext_lazy("Leads")
    template_name = "events/lead_list.html"
    partial_template_name = None
    columns = [
        Column(gettext_lazy("Prospect"), lambda lead: str(lead), link=True),
        Column(gettext_lazy("Event"), "event"),
        Column(gettext_lazy("Taken by"), "taken_by"),
        Column(gettext_lazy("Status"), "get_status_display"),
        Column(gettext_lazy("Follow up on"), "follow_up_on"),
        Column(gettext_lazy("Became"), _became),
    ]

    def _filters(self) -> dict:
        query = self.request.GET
        status = query.get("status", "")
        event = None
        if query.get("event"):
            try:
                event = events_for(self.request.user).filter(public_id=query["event"]).first()
            except ValidationError:  # not a UUID: no such event
                event = None
            if event is None:
                raise Http404(_("No such event, or you may not see it."))
        return {
            "event": event,
            "status": status if status in LeadStatus.values else "",
            "follow_up_due": query.get("due") == "1",
            "q": query.get("q", "").replace("\x00", ""),
        }

    def selector(self, user):
        return leads_for(user, **self._filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self._filters(),
            statuses=LeadStatus.choices,
            events=events_for(self.request.user)
            .filter(pk__in=leads_for(self.request.user).values("event"))
            .order_by("-starts_on", "name"),
            can_add=False,  # leads are added from their event's page
        )
        return context


class LeadDetailView(RecordDetailView):
    model = Lead
    template_name = "events/lead_detail.html"

    def selector(self, user):
        return leads_for(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["can_edit"]:
            # A reader of the lead (a resident at whose booth it was taken) may not read the agreement or
            # residency it became: their names stay out of the history too.
            hidden = {str(Lead._meta.get_field(name).verbose_name) for name in ("agreement", "residency")}
            for entry in context["history"]:
                entry.changes = [change for change in entry.changes if change.field not in hidden]
        return context


class LeadFormView(RecordFormView):
    model = Lead
    form_class = LeadForm

    def dispatch(self, request, *args, **kwargs):
        self.event = None
        if "event_id" in kwargs:
            self.event = get_object_or_404(events_for(request.user), public_id=kwargs["event_id"])
            if not can_add(request.user, Lead, campus=self.event.campus):
                raise PermissionDenied(_("You may not add leads at this event."))
        return super().dispatch(request, *args, **kwargs)

    def selector(self, user):
        return leads_for(user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["event"] = self.event
        return kwargs

    def get_title(self):
        if self.object is None:
            return _("New lead at %(event)s") % {"event": self.event}
        return super().get_title()

    def perform(self, form, formsets):
        if self.object is None:
            return services.lead_create(actor=self.request.user, event=self.event, **form.cleaned_data)
        return services.lead_update(actor=self.request.user, lead=self.object, **form.cleaned_data)


@require_POST
def lead_delete(request, public_id):
    lead = get_object_or_404(leads_for(request.user), public_id=public_id)
    event = lead.event
    services.lead_delete(actor=request.user, lead=lead)
    messages.success(request, _("Lead deleted."))
    return redirect(f"{event.get_absolute_url()}#leads")


# --- calendars -------------------------------------------------------------------------------------------


def _calendar_response(request, campus, user, *, download: bool) -> HttpResponse:
    content = events_calendar(
        calendar_events_for(user, campus),
        name=_("%(campus)s events") % {"campus": campus.name},
        url_of=lambda event: request.build_absolute_uri(event.get_absolute_url()),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{campus.slug}-events.ics"'
    return response


@require_GET
def campus_calendar(request, slug):
    """The campus's events the signed-in user may read, as an .ics file to import."""
    campus = get_object_or_404(campuses_for(request.user), slug=slug)
    return _calendar_response(request, campus, request.user, download=True)


@login_not_required
@require_GET
def calendar_feed(request, token):
    """The private subscription feed: no session, the signed token says whose view of which campus."""
    owner = feed_owner(token)
    if owner is None:
        raise Http404(_("No such calendar."))
    user, campus_id = owner
    campus = Campus.objects.select_related("organization").filter(pk=campus_id).first()
    if campus is None:
        raise Http404(_("No such calendar."))
    response = _calendar_response(request, campus, user, download=False)
    response["Cache-Control"] = "private, max-age=900"
    return response
