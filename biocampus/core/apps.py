from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "biocampus.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import long_lived

        long_lived.install()
