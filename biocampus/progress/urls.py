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
    *crud("programmes", "programme", views.ProgrammeListView, views.ProgrammeDetailView, views.ProgrammeFormView),
    *crud("targets", "target", views.TargetListView, views.TargetDetailView, views.TargetFormView),
    *crud(
        "funding", "fundinground", views.FundingRoundListView, views.FundingRoundDetailView, views.FundingRoundFormView
    ),
]
