from django.urls import path

from . import views

app_name = "servicedesk"
urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/centres/new/", views.CentreFormView.as_view(), name="centre_create"),
    path("services/centres/<uuid:public_id>/", views.CentreDetailView.as_view(), name="centre_detail"),
    path("services/centres/<uuid:public_id>/edit/", views.CentreFormView.as_view(), name="centre_update"),
    path("services/centres/<uuid:centre_id>/services/new/", views.ServiceFormView.as_view(), name="service_create"),
    path("services/<uuid:public_id>/edit/", views.ServiceFormView.as_view(), name="service_update"),
    path("service-requests/", views.request_list, name="request_list"),
    path("service-requests/new/", views.request_create, name="request_create"),
    path("service-requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("service-requests/<uuid:public_id>/status/", views.request_change_status, name="request_status"),
    path("service-requests/<uuid:public_id>/assign/", views.request_assign, name="request_assign"),
    path("service-requests/<uuid:public_id>/comments/", views.request_comment, name="request_comment"),
]
