"""What residents achieve and aim for: milestones, programmes with targets observed over time, funding rounds."""

from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from biocampus.core.models import RecordModel, precision_field
from biocampus.core.urls import record_url

from .choices import FundingRoundType, MilestoneKind

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code such as USD or CNY."))


class Milestone(RecordModel):
    """A dated achievement of an organisation: devices in 470 hospitals, a lab opened, a qualification."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="milestones"
    )
    organization = models.ForeignKey(
        "directory.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MilestoneKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    occurred_on = models.DateField(_("date"), null=True, blank=True, db_index=True)
    date_precision = precision_field()
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_("hospitals, people, USD..."))
    description = models.TextField(_("description"), blank=True)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "title", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            # The milestones list, newest first, a page at a time (ORDER BY occurred_on DESC, title, id LIMIT 51),
            # for the network and for a campus team: see Agreement's list indexes.
            models.Index(fields=["-occurred_on", "title", "id"], name="milestone_list_order"),
            models.Index(fields=["campus", "-occurred_on", "title", "id"], name="milestone_campus_list_order"),
            # Serve the market-reach KPI's walk (insight.kpis._largest_reach): WHERE kind = 'market_reach' AND
            # value IS NOT NULL [AND campus_id = ...] ORDER BY value DESC, id, stopping at the 100th organisation.
            models.Index(fields=["kind", "-value", "id"], name="milestone_kind_value"),
            models.Index(fields=["campus", "kind", "-value", "id"], name="milestone_campus_kind_value"),
        ]
        constraints = [
            models.CheckConstraint(
                name="milestone_value_has_unit",
                condition=models.Q(value__isnull=True) | ~models.Q(unit=""),
                violation_error_message=_("A value needs a unit (hospitals, people, USD...)."),
            ),
            models.CheckConstraint(
                name="milestone_title_not_blank",
                condition=~models.Q(title=""),
                violation_error_message=_("A milestone needs a title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return record_url("progress:milestone_detail", self.public_id)


class Programme(RecordModel):
    """A programme run by one or more organisations, such as screening one million people."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("Chinese name"), max_length=300, blank=True)
    organizations = models.ManyToManyField(
        "directory.Organization", verbose_name=_("run by"), related_name="programmes", blank=True
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("agreement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programmes",
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords(m2m_fields=[organizations])

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        indexes = [
            # Serves the dashboard's list of the network's running targets (insight.kpis.programme_targets_progress):
            # ORDER BY programme.name, target.metric, target.id LIMIT 100 is walked programme by programme in
            # name order (each one's targets by the programme_id index, sorted among themselves), stopping at
            # the 100th, instead of sorting every running target (80,000 at 1,000,000 organisations: 31 → 5 ms).
            models.Index(fields=["name", "id"], name="programme_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="programme_ends_after_start",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                violation_error_message=_("A programme cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("progress:programme_detail", self.public_id)


class TargetQuerySet(models.QuerySet):
    def refresh_observation_summary(self) -> int:
        """Recompute these targets' first and last observations (Target.first_observation_on...) from their
        observations, in one UPDATE; the number of targets."""
        observations = Observation.objects.filter(target_id=models.OuterRef("pk"))
        latest = observations.order_by("-observed_on")
        return self.update(
            first_observation_on=models.Subquery(observations.order_by("observed_on").values("observed_on")[:1]),
            last_observation_on=models.Subquery(latest.values("observed_on")[:1]),
            last_observation_value=models.Subquery(latest.values("value")[:1]),
        )


# A target's observations in brief: kept by progress.services whenever an observation is recorded, and by
# `rebuild_rollups` (insight.rollups.rebuild) after bulk writes, so that the KPI dashboard judges thousands
# of targets without reading their observations (insight.kpis._running_targets reads them only where the
# rollups are read, that is, where they are known to be current). Not part of the history.
OBSERVATION_SUMMARY = ("first_observation_on", "last_observation_on", "last_observation_value")


class Target(RecordModel):
    """A metric with a goal and a due date (1,000,000 people screened by the end of 2021)."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="targets"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
    )
    metric = models.CharField(_("metric"), max_length=200, help_text=_("What is counted: people screened."))
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=2, default=0)
    goal = models.DecimalField(_("goal"), max_digits=20, decimal_places=2, validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    first_observation_on = models.DateField(_("first observed on"), null=True, editable=False)
    last_observation_on = models.DateField(_("last observed on"), null=True, editable=False)
    last_observation_value = models.DecimalField(
        _("last observed value"), max_digits=20, decimal_places=2, null=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=list(OBSERVATION_SUMMARY))
    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "metric"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                name="target_belongs_somewhere",
                condition=models.Q(programme__isnull=False) | models.Q(organization__isnull=False),
                violation_error_message=_("A target belongs to a programme or an organisation."),
            ),
            models.CheckConstraint(
                name="target_goal_beyond_baseline",
                condition=~models.Q(goal=models.F("baseline")),
                violation_error_message=_("The goal must differ from the baseline."),
            ),
            models.CheckConstraint(
                name="target_due_after_start",
                condition=models.Q(starts_on__isnull=True) | models.Q(due_on__gte=models.F("starts_on")),
                violation_error_message=_("A target cannot be due before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.goal:,.0f} {self.unit}"

    def get_absolute_url(self) -> str:
        return record_url("progress:target_detail", self.public_id)


class Observation(RecordModel):
    """A measured value of a target's metric on a date (cumulative: people screened so far)."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="observations")
    observed_on = models.DateField(_("observed on"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_id", "observed_on"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "observed_on"],
                name="observation_one_per_day",
                violation_error_message=_("This target already has an observation on this date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.observed_on}: {self.value}"


class FundingRound(RecordModel):
    """Money raised by an organisation from one or more investors, one of whom may lead."""

    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.PROTECT, related_name="funding_rounds"
    )
    recipient = models.ForeignKey(
        "directory.Organization", verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="funding_rounds"
    )
    round_type = models.CharField(_("type"), max_length=16, choices=FundingRoundType.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[currency_code])
    announced_on = models.DateField(_("date"), null=True, blank=True, db_index=True)
    date_precision = precision_field()
    description = models.TextField(_("description"), blank=True)
    investors = models.ManyToManyField(
        "directory.Organization", through="FundingInvestment", verbose_name=_("investors"), related_name="investments"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-announced_on", "id"]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")
        indexes = [
            # The funding list, newest first, a page at a time (ORDER BY announced_on DESC, id LIMIT 51): see
            # Agreement's list indexes.
            models.Index(fields=["-announced_on", "id"], name="fundinground_list_order"),
            models.Index(fields=["campus", "-announced_on", "id"], name="fundinground_campus_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                name="funding_amount_has_currency",
                condition=models.Q(amount__isnull=True) | ~models.Q(currency=""),
                violation_error_message=_("An amount needs its currency."),
            )
        ]

    def __str__(self) -> str:
        amount = f"{self.amount:,.0f} {self.currency}" if self.amount is not None else self.currency or "?"
        return f"{self.recipient} · {self.get_round_type_display()} · {amount}"

    def get_absolute_url(self) -> str:
        return record_url("progress:fundinground_detail", self.public_id)


class FundingInvestment(RecordModel):
    """One investor's part in a funding round."""

    funding_round = models.ForeignKey(
        FundingRound, verbose_name=_("funding round"), on_delete=models.CASCADE, related_name="investments"
    )
    investor = models.ForeignKey(
        "directory.Organization", verbose_name=_("investor"), on_delete=models.PROTECT, related_name="investments_made"
    )
    is_lead = models.BooleanField(_("lead investor"), default=False)
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["funding_round_id", "-is_lead", "id"]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            models.UniqueConstraint(
                fields=["funding_round", "investor"],
                name="investment_once_per_round",
                violation_error_message=_("This investor is already in this round."),
            ),
            models.UniqueConstraint(
                fields=["funding_round"],
                condition=models.Q(is_lead=True),
                name="investment_one_lead_per_round",
                violation_error_message=_("A funding round has at most one lead investor."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investor}{' (lead)' if self.is_lead else ''}"


class MilestoneEvidence(RecordModel):
    """A document or a link that shows a milestone happened: a certificate, a press release, a report."""

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("title"), max_length=300)
    # Served only through a view that checks the user may read the milestone, never from MEDIA_URL.
    file = models.FileField(_("file"), upload_to="evidence/%Y/", max_length=255, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True, validators=[URLValidator(schemes=["http", "https"])])
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone_id", "created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                name="evidence_file_or_link",
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                violation_error_message=_("Evidence is either a file or a link (one of the two)."),
            ),
            models.CheckConstraint(
                name="evidence_title_not_blank",
                condition=~models.Q(title=""),
                violation_error_message=_("Evidence needs a title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.milestone.get_absolute_url()

    def get_download_url(self) -> str:
        return reverse(
            "progress:evidence_download",
            kwargs={"public_id": self.milestone.public_id, "evidence_id": self.public_id},
        )


class ExchangeRate(RecordModel):
    """How many units of the reporting currency one unit of `currency` is worth, from a date on.

    Kept by superusers for the whole network; funding amounts are converted with the rate valid on the
    round's date (biocampus/progress/currency.py).
    """

    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    rate = models.DecimalField(
        _("rate"),
        max_digits=24,
        decimal_places=10,
        help_text=_("Units of the reporting currency for one unit of this currency."),
    )
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=300, blank=True, help_text=_("Where the rate comes from."))

    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                name="exchange_rate_once_per_day",
                violation_error_message=_("This currency already has a rate from this date."),
            ),
            models.CheckConstraint(
                name="exchange_rate_positive",
                condition=models.Q(rate__gt=0),
                violation_error_message=_("A rate must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate.normalize():f} ({self.valid_from})"

    def get_absolute_url(self) -> str:
        return reverse("progress:exchangerate_list")
