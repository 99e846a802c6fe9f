from django.urls import path

from . import views

app_name = "progress"


def crud(prefix, name, list_view, detail_view, form_view):
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", form_view.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<uuid:public_id>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<uuid:public_id>/edit/", form_view.as_view(), name=f"{name}_update"),
    ]


urlpatterns = [
    *crud("milestones", "milestone", views.MilestoneListView, views.MilestoneDetailView, views.MilestoneFormView),
    path("milestones/<uuid:public_id>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "milestones/<uuid:public_id>/evidence/<uuid:evidence_id>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "milestones/<uuid:public_id>/evidence/<uuid:evidence_id>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    *crud("programmes", "programme", views.ProgrammeListView, views.ProgrammeDetailView, views.ProgrammeFormView),
    path("programmes/<uuid:public_id>/delete/", views.ProgrammeDeleteView.as_view(), name="programme_delete"),
    *crud("targets", "target", views.TargetListView, views.TargetDetailView, views.TargetFormView),
    path("targets/<uuid:public_id>/delete/", views.TargetDeleteView.as_view(), name="target_delete"),
    path("targets/<uuid:public_id>/observations/", views.observation_add, name="observation_add"),
    # The rates before the rounds' <uuid> paths; "rates" is no UUID, so the order is only for readers.
    path("funding/rates/", views.exchange_rate_list, name="exchangerate_list"),
    path("funding/rates/new/", views.ExchangeRateFormView.as_view(), name="exchangerate_create"),
    path("funding/rates/<uuid:public_id>/edit/", views.ExchangeRateFormView.as_view(), name="exchangerate_update"),
    path("funding/rates/<uuid:public_id>/delete/", views.ExchangeRateDeleteView.as_view(), name="exchangerate_delete"),
    *crud(
        "funding", "fundinground", views.FundingRoundListView, views.FundingRoundDetailView, views.FundingRoundFormView
    ),
]
