from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Applications to join a campus: the public form, the review board, decisions and their emails."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "biocampus.intake"
    verbose_name = _("Intake")
