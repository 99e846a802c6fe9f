"""Source documents that records can cite. Extraction and review arrive with the intelligence issue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceDocument(models.Model):
    """A press release or article, stored verbatim so that every extracted fact can cite its sentence."""

    title = models.CharField(_("title"), max_length=500, blank=True)
    url = models.URLField(_("address"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    text = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return self.title or self.url or f"document {self.sha256[:8]}"
