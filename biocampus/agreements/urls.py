from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/new/", views.AgreementFormView.as_view(), name="agreement_create"),
    path("agreements/<uuid:public_id>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<uuid:public_id>/edit/", views.AgreementFormView.as_view(), name="agreement_update"),
]
