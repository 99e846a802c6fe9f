from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventFormView.as_view(), name="event_create"),
    path("events/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("events/<uuid:public_id>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<uuid:public_id>/edit/", views.EventFormView.as_view(), name="event_update"),
    path("events/<uuid:public_id>/outcomes/", views.event_outcomes_view, name="event_outcomes"),
    path("events/<uuid:event_id>/leads/new/", views.LeadFormView.as_view(), name="lead_create"),
    path("campuses/<slug:slug>/events.ics", views.campus_calendar, name="campus_calendar"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("leads/<uuid:public_id>/", views.LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<uuid:public_id>/edit/", views.LeadFormView.as_view(), name="lead_update"),
    path("leads/<uuid:public_id>/delete/", views.lead_delete, name="lead_delete"),
]
