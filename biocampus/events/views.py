from django.utils.translation import gettext_lazy as _

from biocampus.core.views_generic import Column, RecordDetailView, RecordFormView, RecordListView

from . import services
from .forms import EventForm, ShowcaseFormSet
from .models import Event, Participation, Showcase
from .selectors import event_detail_for, events_for


class EventListView(RecordListView):
    model = Event
    title = _("Events")
    create_url_name = "events:event_create"
    columns = [
        Column(_("Event"), "name", link=True),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Starts"), "starts_on"),
        Column(_("Ends"), "ends_on"),
        Column(_("Place"), "city"),
        Column(_("Campus"), "campus"),
    ]

    def selector(self, user):
        return events_for(user, q=self.request.GET.get("q", "").replace("\x00", ""))


class EventDetailView(RecordDetailView):
    model = Event
    template_name = "events/event_detail.html"
    history_children = ((Showcase, "event"), (Participation, "event"))

    def selector(self, user):
        return event_detail_for(user)


class EventFormView(RecordFormView):
    model = Event
    form_class = EventForm
    formset_classes = {"showcases": ShowcaseFormSet}

    def selector(self, user):
        return events_for(user)

    def formset_initial(self, name):
        if self.object is None:
            return []
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
        showcases = formsets["showcases"].rows()
        if self.object is None:
            return services.event_create(actor=self.request.user, showcases=showcases, **form.cleaned_data)
        return services.event_update(
            actor=self.request.user, event=self.object, showcases=showcases, **form.cleaned_data
        )
