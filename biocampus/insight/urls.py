from django.urls import path

from . import views

app_name = "insight"
urlpatterns = [
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/graph/", views.graph_page, name="graph"),
    path("insight/graph.json", views.graph_data, name="graph_data"),
]
