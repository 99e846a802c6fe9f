from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.WebhookListView.as_view(), name="webhook_list"),
    path("webhooks/new/", views.webhook_create, name="webhook_create"),
    path("webhooks/<uuid:public_id>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<uuid:public_id>/edit/", views.webhook_update, name="webhook_update"),
    path("webhooks/<uuid:public_id>/rotate-secret/", views.webhook_rotate_secret, name="webhook_rotate_secret"),
    path("webhooks/<uuid:public_id>/test/", views.webhook_send_test, name="webhook_send_test"),
    path("webhooks/<uuid:public_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("webhooks/deliveries/<uuid:public_id>/", views.delivery_detail, name="delivery_detail"),
    path("webhooks/deliveries/<uuid:public_id>/retry/", views.delivery_retry, name="delivery_retry"),
]
