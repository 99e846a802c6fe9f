from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from biocampus.campuses.views import home
from biocampus.core.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("biocampus.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("biocampus.directory.urls")),
    path("", include("biocampus.campuses.urls")),
    path("", include("biocampus.agreements.urls")),
    path("", include("biocampus.events.urls")),
    path("", include("biocampus.progress.urls")),
    path("", include("biocampus.exchange.urls")),
    path("", include("biocampus.intelligence.urls")),
    path("", include("biocampus.webhooks.urls")),
    path("", include("biocampus.intake.urls")),
    path("", include("biocampus.servicedesk.urls")),
    path("", include("biocampus.insight.urls")),
]

admin.site.site_header = "BioCampus"
admin.site.site_title = "BioCampus"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
