from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("apply/<slug:slug>/", views.apply, name="apply"),
    path("apply/<slug:slug>/thanks/", views.apply_thanks, name="apply_thanks"),
    path("applications/", views.application_board, name="application_board"),
    path("applications/new/", views.ApplicationCreateView.as_view(), name="application_create"),
    path("applications/criteria/", views.CriterionListView.as_view(), name="criterion_list"),
    path("applications/criteria/new/", views.CriterionFormView.as_view(), name="criterion_create"),
    path("applications/criteria/<uuid:public_id>/edit/", views.CriterionFormView.as_view(), name="criterion_update"),
    path("applications/<uuid:public_id>/", views.application_detail, name="application_detail"),
    path("applications/<uuid:public_id>/review/", views.application_review, name="application_review"),
    path("applications/<uuid:public_id>/decide/", views.application_decide, name="application_decide"),
    path(
        "applications/<uuid:public_id>/files/<uuid:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
