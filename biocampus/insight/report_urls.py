"""The reports page's URLs; included by insight.urls under "insight/reports/" (names in the insight namespace)."""

from django.urls import path

from . import report_views

urlpatterns = [
    path("", report_views.report_start, name="report_start"),
    path("<uuid:public_id>/", report_views.report_run, name="report_run"),
    path("<uuid:public_id>/status/", report_views.report_run_status, name="report_run_status"),
    path("<uuid:public_id>/run/", report_views.report_run_now, name="report_run_now"),
    path("<uuid:public_id>/download/", report_views.report_download, name="report_download"),
]
