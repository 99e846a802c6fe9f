from django.urls import path

from . import views

app_name = "campuses"
urlpatterns = [
    path("campuses/", views.CampusListView.as_view(), name="campus_list"),
    path("campuses/choose/", views.choose_campus, name="choose"),
    path("campuses/new/", views.CampusFormView.as_view(), name="campus_create"),
    path("campuses/<slug:slug>/", views.campus_detail, name="campus_detail"),
    path("campuses/<slug:slug>/edit/", views.CampusFormView.as_view(), name="campus_update"),
    path("residencies/", views.ResidencyListView.as_view(), name="residency_list"),
    path("residencies/new/", views.ResidencyFormView.as_view(), name="residency_create"),
    path("residencies/<uuid:public_id>/", views.ResidencyDetailView.as_view(), name="residency_detail"),
    path("residencies/<uuid:public_id>/edit/", views.ResidencyFormView.as_view(), name="residency_update"),
]
