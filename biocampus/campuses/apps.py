from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampusesConfig(AppConfig):
    name = "biocampus.campuses"
    label = "campuses"
    verbose_name = _("Campuses")
