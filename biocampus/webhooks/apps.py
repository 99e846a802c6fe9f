from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "biocampus.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from biocampus.core.events import subscribe

        from .listeners import on_domain_event

        subscribe(on_domain_event)
