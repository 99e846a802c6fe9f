from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/", views.EventListView.as_view(), name="event_list"),
    path("events/new/", views.EventFormView.as_view(), name="event_create"),
    path("events/<uuid:public_id>/", views.EventDetailView.as_view(), name="event_detail"),
    path("events/<uuid:public_id>/edit/", views.EventFormView.as_view(), name="event_update"),
]
