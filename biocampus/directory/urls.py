from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.OrganizationFormView.as_view(), name="organization_create"),
    path("organizations/suggest/", views.organization_suggest, name="organization_suggest"),
    path("organizations/<uuid:public_id>/", views.organization_detail, name="organization_detail"),
    path("organizations/<uuid:public_id>/edit/", views.OrganizationFormView.as_view(), name="organization_update"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonFormView.as_view(), name="person_create"),
    path("people/<uuid:public_id>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<uuid:public_id>/edit/", views.PersonFormView.as_view(), name="person_update"),
]
