"""Pages of the intelligence app: ingesting press releases and reviewing what they say."""

from django.urls import path

from . import views

app_name = "intelligence"

urlpatterns = [
    path("intelligence/", views.inbox, name="inbox"),
    path("intelligence/add/", views.document_add, name="document_add"),
    path("intelligence/documents/<uuid:public_id>/", views.document_review, name="document_review"),
    path("intelligence/documents/<uuid:public_id>/extract/", views.document_extract, name="document_extract"),
    path("intelligence/facts/<uuid:public_id>/accept/", views.fact_accept, name="fact_accept"),
    path("intelligence/facts/<uuid:public_id>/reject/", views.fact_reject, name="fact_reject"),
    path("intelligence/facts/<uuid:public_id>/edit/", views.fact_edit, name="fact_edit"),
    path("intelligence/runs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("intelligence/runs/<uuid:public_id>/progress/", views.run_progress, name="run_progress"),
    path(
        "intelligence/organizations/<uuid:public_id>/sources/",
        views.organization_sources,
        name="organization_sources",
    ),
]
