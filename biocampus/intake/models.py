"""Applications to join a campus: the campus's criteria, the applications, their files, reviews and decisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel
from biocampus.core.urls import record_url

from .choices import SCORE_MAX, SCORE_MIN, ApplicationStatus, Need, Outcome, Stage


class IntakeCriterion(RecordModel):
    """One thing a campus judges applications on (scientific merit, fit with its fields...), with its weight."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.CASCADE, related_name="intake_criteria"
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How much this criterion counts in the weighted score, relative to the others (1–100)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Order on forms; lowest first."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["campus_id", "position", "name"]
        verbose_name = _("intake criterion")
        verbose_name_plural = _("intake criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["campus", "name"],
                name="intake_criterion_unique_name",
                violation_error_message=_("This campus already has a criterion with this name."),
            ),
            models.CheckConstraint(
                name="intake_criterion_name_not_blank",
                condition=~models.Q(name=""),
                violation_error_message=_("A criterion needs a name."),
            ),
            models.CheckConstraint(
                name="intake_criterion_weight_positive",
                condition=models.Q(weight__gte=1, weight__lte=100),
                violation_error_message=_("A weight is a whole number from 1 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("intake:criterion_list") + f"?campus={self.campus.slug}"

    @property
    def display_name(self) -> str:
        return f"{self.name} · {self.name_zh}" if self.name_zh else self.name


class Application(RecordModel):
    """A company's application to join a campus, from the public form, or entered by the campus's staff."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    company_name = models.CharField(_("company"), max_length=255)
    company_name_zh = models.CharField(_("Chinese name of the company"), max_length=255, blank=True)
    website = models.URLField(_("website"), blank=True)
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    fields = models.ManyToManyField(
        "directory.Field", verbose_name=_("fields"), blank=True, related_name="intake_applications"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    founded_year = models.PositiveSmallIntegerField(
        _("founded"), null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)]
    )
    founders = models.TextField(_("founders"), blank=True, help_text=_("One per line."))
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    summary = models.TextField(_("summary"), help_text=_("What the company does, and where it stands."))
    needs = models.JSONField(_("needs from the campus"), default=list, blank=True)
    needs_detail = models.TextField(_("needs in detail"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The applicant's language: the emails are written in it."),
    )
    # SHA-256 of the sender's address and the secret key: enough to count submissions per address
    # (the rate limit) without keeping anyone's IP address.
    submitted_ip_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_applications",
    )
    residency = models.ForeignKey(
        "campuses.Residency",
        verbose_name=_("residency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_applications",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[fields])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["campus", "status"], name="application_campus_status_idx")]
        constraints = [
            models.CheckConstraint(
                name="application_company_not_blank",
                condition=~models.Q(company_name=""),
                violation_error_message=_("An application needs the company's name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.company_name}"

    def get_absolute_url(self) -> str:
        return record_url("intake:application_detail", self.public_id)

    def clean(self):
        super().clean()
        if not isinstance(self.needs, list) or any(need not in Need.values for need in self.needs):
            raise ValidationError(
                {"needs": _("Choose needs from the list: %(choices)s.") % {"choices": ", ".join(Need.values)}}
            )
        self.needs = list(dict.fromkeys(self.needs))

    @property
    def needs_display(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels[need]) for need in self.needs if need in labels]

    @property
    def founder_list(self) -> list[str]:
        return [line.strip() for line in self.founders.splitlines() if line.strip()]

    @property
    def display_name(self) -> str:
        return f"{self.company_name} · {self.company_name_zh}" if self.company_name_zh else self.company_name

    @property
    def score(self) -> float | None:
        """The weighted average of every reviewer's scores (set by the selectors' annotations)."""
        total, weights = getattr(self, "score_total", None), getattr(self, "score_weights", None)
        if not weights:
            return None
        return round(total / weights, 2)


class ApplicationAttachment(RecordModel):
    """A file sent with an application (pitch deck, business plan). Downloaded only through a checked view."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="intake/%Y/", max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application_id", "id"]
        verbose_name = _("application attachment")
        verbose_name_plural = _("application attachments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "intake:attachment_download",
            kwargs={"public_id": self.application.public_id, "attachment_id": self.public_id},
        )


class Review(RecordModel):
    """One reviewer's assessment of an application: scores per criterion, a comment, a recommendation."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="intake_reviews",
    )
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Outcome.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application_id", "created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_one_per_reviewer",
                violation_error_message=_("This reviewer has already reviewed this application."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.application.reference}"

    @property
    def score(self) -> float | None:
        """The weighted average of this review's scores."""
        scores = list(self.scores.all())
        weights = sum(s.criterion.weight for s in scores)
        return round(sum(s.score * s.criterion.weight for s in scores) / weights, 2) if weights else None


class ReviewScore(RecordModel):
    """A review's score (1 to 5) on one of the campus's criteria."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        IntakeCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review_id", "criterion__position", "criterion__name"]
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"],
                name="review_score_once_per_criterion",
                violation_error_message=_("This review already scores this criterion."),
            ),
            models.CheckConstraint(
                name="review_score_in_range",
                condition=models.Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX),
                violation_error_message=_("A score is a whole number from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class Decision(RecordModel):
    """A decision on an application, with its reasons. All are kept: wait-listed first, accepted later."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_decisions",
    )
    decided_at = models.DateTimeField(_("decided at"))
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an acceptance: the organisation of the registry the company became or already was."),
    )
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application_id", "decided_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(
                name="decision_has_reasons",
                condition=~models.Q(reasons=""),
                violation_error_message=_("Give the reasons for the decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_outcome_display()}"
