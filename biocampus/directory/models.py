"""The ecosystem registry: organisations of every kind, their identifiers, the field taxonomy, and people."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel
from biocampus.core.urls import record_url

from .choices import IdentifierScheme, OrganizationKind


class Field(models.Model):
    """A node of the field taxonomy (drug R&D, gene sequencing, ...); `parent` makes it a tree."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self) -> str:
        return f"{self.name} · {self.name_zh}" if self.name_zh else self.name


class Organization(RecordModel):
    """Any actor of the ecosystem: a resident start-up, a pharma partner, an investor, a city bureau, a campus."""

    name = models.CharField(_("name"), max_length=255)
    name_zh = models.CharField(_("Chinese name"), max_length=255, blank=True)
    aliases = models.JSONField(
        _("aliases"), default=list, blank=True, help_text=_("Other names the organisation goes by.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    fields = models.ManyToManyField(Field, verbose_name=_("fields"), blank=True, related_name="organizations")
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
    )
    steward = models.ForeignKey(
        "campuses.Campus",
        verbose_name=_("stewarding campus"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stewarded_organizations",
        help_text=_("The campus whose team keeps this record up to date."),
    )
    # Lower-cased names, aliases, city and identifiers in one column: what directory search reads.
    # Kept by directory.services, never typed in. Its search index is not declared here but made by
    # migration 0003 for each database (FTS5 on SQLite, GIN trigram on PostgreSQL): see search.py.
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords(m2m_fields=[fields], excluded_fields=["search_text"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        # Each index serves the directory's queries (selectors.organizations_for, directory_facets, the
        # keyset pages of views.organization_list: ORDER BY name, id LIMIT 51 from a cursor).
        indexes = [
            # The unfiltered directory, page after page: ORDER BY name, id WHERE (name, id) > cursor.
            models.Index(fields=["name", "id"], name="org_name_idx"),
            # kind = ? ORDER BY name, id (one kind ticked) and the kind facet's GROUP BY kind.
            models.Index(fields=["kind", "name", "id"], name="org_kind_name_idx"),
            # kind = ? AND country = ? ORDER BY name, id (both facets ticked, the usual search), and the
            # kind facet counted within the chosen countries.
            models.Index(fields=["kind", "country", "name", "id"], name="org_kind_country_idx"),
            # country = ? ORDER BY name, id and the country facet's GROUP BY country.
            models.Index(fields=["country", "name", "id"], name="org_country_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="organization_name_not_blank",
                condition=~models.Q(name=""),
                violation_error_message=_("An organisation needs a name."),
            ),
            models.CheckConstraint(
                name="organization_not_own_parent",
                condition=~models.Q(parent=models.F("id")),
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("directory:organization_detail", self.public_id)

    @property
    def display_name(self) -> str:
        return f"{self.name} · {self.name_zh}" if self.name_zh else self.name

    @property
    def all_names(self) -> list[str]:
        return [n for n in [self.name, self.name_zh, *self.aliases] if n]


class OrganizationIdentifier(RecordModel):
    """An official identifier of an organisation, unique within its scheme (a unified social credit code)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="identifiers"
    )
    scheme = models.CharField(_("scheme"), max_length=16, choices=IdentifierScheme.choices)
    value = models.CharField(_("value"), max_length=64)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "value"]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                name="identifier_unique_in_scheme",
                violation_error_message=_("Another organisation already has this identifier."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}: {self.value}"


class Person(RecordModel):
    """A contact person, usually at an organisation."""

    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                name="person_name_not_blank",
                condition=~models.Q(name=""),
                violation_error_message=_("A person needs a name."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("directory:person_detail", self.public_id)
