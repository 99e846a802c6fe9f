"""The product's URLs plus the bench-only peers: /bench/admin/ (P1, P6) and /bench/bare/<id> (P4)."""

from django.urls import path

from config.urls import urlpatterns as product_urlpatterns

from .admin_peer import site as peer_admin_site
from .views import bare_organization

urlpatterns = [
    path("bench/admin/", peer_admin_site.urls),
    path("bench/bare/<uuid:public_id>", bare_organization, name="bench_bare_organization"),
    *product_urlpatterns,
]
