from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("imports/", views.import_start, name="import_start"),
    path("imports/<uuid:public_id>/", views.import_run, name="import_run"),
    path("imports/<uuid:public_id>/status/", views.import_run_status, name="import_run_status"),
    path("imports/<uuid:public_id>/run/", views.import_run_now, name="import_run_now"),
    path("imports/<uuid:public_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("exports/directory/", views.export_directory, name="export_directory"),
    path("exports/<str:list_name>/", views.export_list, name="export_list"),
    path("organizations/duplicates/", views.duplicates, name="duplicates"),
    path("organizations/merge/", views.merge, name="merge"),
]
