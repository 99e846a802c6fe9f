from django.urls import include, path

from . import views

app_name = "insight"
urlpatterns = [
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/graph/", views.graph_page, name="graph"),
    path("insight/graph.json", views.graph_data, name="graph_data"),
    path("insight/reports/", include("biocampus.insight.report_urls")),
]
