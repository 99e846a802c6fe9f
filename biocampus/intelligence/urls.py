"""Pages of the intelligence app: ingesting press releases and reviewing what they say."""

from django.urls import path  # noqa: F401  (the review pages are added here)

app_name = "intelligence"

urlpatterns: list = []
