from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceDeskConfig(AppConfig):
    """A campus's service centres, their catalogue of services and the requests residents open."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "biocampus.servicedesk"
    verbose_name = _("Service desk")
