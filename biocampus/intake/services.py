"""Writes of the intake: criteria, applications (public or entered by staff), reviews and decisions.

The public form submits as the system (`actor=None`): no account, no permission to check. Everything
else is the campus team's (STAFF_ONLY in accounts.permissions).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from biocampus.accounts.permissions import ADD, CHANGE, can, require
from biocampus.campuses import services as campus_services
from biocampus.campuses.choices import ResidencyStatus
from biocampus.campuses.models import Residency
from biocampus.core.events import publish
from biocampus.core.files import validate_attachment
from biocampus.core.services import apply_changes, record_delete, record_save
from biocampus.core.text import clean_text
from biocampus.directory import services as directory_services
from biocampus.directory.choices import OrganizationKind
from biocampus.directory.models import Organization

from .choices import MAX_ATTACHMENTS, OPEN_STATUSES, SCORE_MAX, SCORE_MIN, STATUS_AFTER, ApplicationStatus, Outcome
from .models import Application, ApplicationAttachment, Decision, IntakeCriterion, Review, ReviewScore
from .selectors import SAME_COMPANY, registry_matches

logger = logging.getLogger(__name__)

# What the applicant fills in (and staff may enter for them); the rest is the campus's bookkeeping.
APPLICANT_FIELDS = (
    "company_name", "company_name_zh", "website", "country", "city", "stage", "founded_year", "founders",
    "contact_name", "contact_email", "contact_phone", "summary", "needs", "needs_detail",
)  # fmt: skip


# --- criteria ----------------------------------------------------------------------------------------


@transaction.atomic
def criterion_create(*, actor, campus, name: str, provenance=None, **attributes) -> IntakeCriterion:
    require(actor, ADD, IntakeCriterion, campus=campus)
    criterion = IntakeCriterion(campus=campus, name=name, **attributes)
    return record_save(criterion, actor=actor, provenance=provenance)


@transaction.atomic
def criterion_update(*, actor, criterion: IntakeCriterion, reason: str = "", **changes) -> IntakeCriterion:
    require(actor, CHANGE, criterion)
    new_campus = changes.get("campus")
    if new_campus is not None and new_campus != criterion.campus:
        if criterion.scores.exists():
            raise ValidationError({"campus": _("Reviews already score this criterion; it stays with its campus.")})
        require(actor, ADD, IntakeCriterion, campus=new_campus)
    if apply_changes(criterion, changes):
        record_save(criterion, actor=actor, reason=reason)
    return criterion


# --- applications ------------------------------------------------------------------------------------


def ip_hash(address: str) -> str:
    """What is kept of a sender's address: a salted hash, enough to count, useless to anyone else."""
    return hashlib.sha256(f"{address}|{settings.SECRET_KEY}".encode()).hexdigest()


def _next_reference(year: int) -> str:
    prefix = f"APP-{year}-"
    last = (
        Application.objects.filter(reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _clean_founders(founders) -> str:
    if isinstance(founders, (list, tuple)):
        founders = "\n".join(str(line) for line in founders)
    return "\n".join(line.strip() for line in (founders or "").splitlines() if line.strip())


def _create(*, actor, campus, fields, attachments, provenance, language: str, submitted_ip_hash: str, values):
    unknown = set(values) - set(APPLICANT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected application fields: {', '.join(sorted(unknown))}")
    values = {**values, "founders": _clean_founders(values.get("founders", ""))}
    attachments = list(attachments or ())
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("Send at most %(count)d files.") % {"count": MAX_ATTACHMENTS}}  # fmt: skip
        )
    for upload in attachments:
        validate_attachment(upload, field="attachments")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    year = timezone.localdate().year
    for attempt in range(5):
        application = Application(
            campus=campus,
            reference=_next_reference(year),
            language=language,
            submitted_ip_hash=submitted_ip_hash,
            **values,
        )
        try:
            # A savepoint: two submissions at the same moment may draw the same reference; the second retries.
            with transaction.atomic():
                record_save(application, actor=actor, provenance=provenance)
            break
        except (IntegrityError, ValidationError) as error:
            taken = isinstance(error, IntegrityError) or "reference" in getattr(error, "error_dict", {})
            if not taken or attempt == 4:
                raise
    if fields:
        application._history_user = actor if getattr(actor, "is_authenticated", False) else None
        application.fields.set(fields)
    for upload in attachments:
        attachment = ApplicationAttachment(
            application=application, file=upload, name=clean_text(upload.name)[:255], size=upload.size or 0
        )
        record_save(attachment, actor=actor, provenance=application.provenance)
    publish("application.submitted", application, actor=actor)
    return application


@transaction.atomic
def application_submit(
    *,
    campus,
    fields=(),
    attachments=(),
    language: str = "en",
    ip_address: str = "",
    provenance=None,
    notify: bool = True,
    **values,
) -> Application:
    """An application from the public form. Runs as the system: the applicant has no account."""
    application = _create(
        actor=None,
        campus=campus,
        fields=fields,
        attachments=attachments,
        provenance=provenance,
        language=language,
        submitted_ip_hash=ip_hash(ip_address) if ip_address else "",
        values=values,
    )
    if notify:
        _email_later(application, "acknowledgement")
    return application


@transaction.atomic
def application_create(
    *, actor, campus, fields=(), attachments=(), language: str = "en", provenance=None, notify: bool = True, **values
) -> Application:
    """An application the campus's staff enter for a company (received by email, on paper, at an event)."""
    require(actor, ADD, Application, campus=campus)
    application = _create(
        actor=actor,
        campus=campus,
        fields=fields,
        attachments=attachments,
        provenance=provenance,
        language=language,
        submitted_ip_hash="",
        values=values,
    )
    if notify:
        _email_later(application, "acknowledgement")
    return application


@transaction.atomic
def attachment_add(*, actor, application: Application, upload) -> ApplicationAttachment:
    require(actor, CHANGE, application)
    if application.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": _("An application has at most %(count)d files.") % {"count": MAX_ATTACHMENTS}})
    validate_attachment(upload, field="file")
    attachment = ApplicationAttachment(
        application=application, file=upload, name=clean_text(upload.name)[:255], size=upload.size or 0
    )
    return record_save(attachment, actor=actor)


# --- reviews -----------------------------------------------------------------------------------------


@transaction.atomic
def review_save(
    *, actor, application: Application, scores: dict, comment: str = "", recommendation: str = "", provenance=None
) -> Review:
    """The actor's review of the application, created or updated: `scores` maps criteria to 1–5 (a
    criterion left out, or None, is not judged). The first review puts the application in review."""
    require(actor, CHANGE, application)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValidationError(_("A review needs a reviewer: sign in to review."))
    if application.status not in OPEN_STATUSES:
        raise ValidationError(_("This application is decided (%(status)s); it takes no more reviews.")
                              % {"status": application.get_status_display()})  # fmt: skip
    if recommendation and recommendation not in Outcome.values:
        raise ValidationError({"recommendation": _("Choose accept, decline or waiting list.")})
    wanted = {criterion: value for criterion, value in scores.items() if value not in (None, "")}
    errors = []
    for criterion, value in wanted.items():
        if criterion.campus_id != application.campus_id:
            errors.append(_("“%(name)s” is not a criterion of this campus.") % {"name": criterion.name})
        elif not isinstance(value, int) or isinstance(value, bool) or not SCORE_MIN <= value <= SCORE_MAX:
            errors.append(
                _("The score of “%(name)s” must be a whole number from %(min)d to %(max)d.")
                % {"name": criterion.name, "min": SCORE_MIN, "max": SCORE_MAX}
            )
    if errors:
        raise ValidationError({"scores": errors})
    if not wanted and not clean_text(comment or ""):
        raise ValidationError({"scores": _("Score at least one criterion, or leave a comment.")})
    review = Review.objects.filter(application=application, reviewer=actor).first()
    if review is None:
        review = record_save(
            Review(application=application, reviewer=actor, comment=comment, recommendation=recommendation),
            actor=actor,
            provenance=provenance,
        )
    elif apply_changes(review, {"comment": comment, "recommendation": recommendation}):
        record_save(review, actor=actor)
    current = {score.criterion_id: score for score in review.scores.all()}
    for criterion, value in wanted.items():
        score = current.pop(criterion.pk, None)
        if score is None:
            record_save(ReviewScore(review=review, criterion=criterion, score=value), actor=actor,
                        provenance=review.provenance)  # fmt: skip
        elif score.score != value:
            score.score = value
            record_save(score, actor=actor)
    for score in current.values():
        record_delete(score, actor=actor)
    if application.status == ApplicationStatus.SUBMITTED:
        application.status = ApplicationStatus.IN_REVIEW
        record_save(application, actor=actor, reason=_("first review"))
    return review


# --- decisions ---------------------------------------------------------------------------------------


@transaction.atomic
def application_decide(
    *,
    actor,
    application: Application,
    outcome: str,
    reasons: str,
    organization: Organization | None = None,
    new_organization: bool = False,
    notify: bool = True,
    on: datetime.date | None = None,
    provenance=None,
) -> Decision:
    """Accept, decline or wait-list an application, with reasons; the applicant is emailed.

    Accepting makes the company an organisation of the registry with a signed residency at the campus:
    `organization` is the registry's record of it. Without one, the registry's record of the same company
    (same website, or same name apart from case, legal form or spacing) is used; if the registry only has
    similar organisations, one must be chosen or `new_organization` confirm that the company is new.
    Never a duplicate.
    """
    require(actor, CHANGE, application)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose accept, decline or waiting list.")})
    try:
        reasons = clean_text(reasons or "")
    except ValidationError as error:
        raise ValidationError({"reasons": error.messages}) from error
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for the decision: the applicant reads them.")})
    if application.status == ApplicationStatus.ACCEPTED:
        raise ValidationError(
            _("This application is already accepted; its residency now follows the company (see its residency page).")
        )
    if organization is not None and outcome != Outcome.ACCEPT:
        raise ValidationError({"organization": _("Only an acceptance links the application to an organisation.")})
    now = timezone.now()
    if outcome == Outcome.ACCEPT:
        organization = _accept(
            actor=actor, application=application, organization=organization, new_organization=new_organization, on=on
        )
    decision = record_save(
        Decision(
            application=application,
            outcome=outcome,
            reasons=reasons,
            decided_by=actor if getattr(actor, "is_authenticated", False) else None,
            decided_at=now,
            organization=organization,
        ),
        actor=actor,
        provenance=provenance,
    )
    application.status = STATUS_AFTER[Outcome(outcome)]
    application.decided_at = now
    record_save(application, actor=actor, reason=decision.get_outcome_display())
    publish("application.decided", application, actor=actor)
    if notify:
        _email_later(application, f"decision_{outcome}", decision=decision)
    return decision


def _accept(*, actor, application: Application, organization: Organization | None, new_organization: bool, on):
    campus = application.campus
    if organization is None:
        organization = _registry_record(application, new_organization=new_organization)
    if organization is None:
        organization = directory_services.organization_create(
            actor=actor,
            name=application.company_name,
            name_zh=application.company_name_zh,
            kind=OrganizationKind.COMPANY,
            country=application.country,
            city=application.city,
            website=application.website,
            founded_year=application.founded_year,
            description=application.summary,
            fields=list(application.fields.all()),
            steward=campus,
            provenance=application.provenance,
        )
        residency = None
    else:
        if organization.kind == OrganizationKind.CAMPUS:
            raise ValidationError({"organization": _("A campus cannot be a resident of another campus.")})
        residency = Residency.objects.filter(organization=organization, campus=campus).first()
    residency = _sign(actor=actor, application=application, organization=organization, residency=residency, on=on)
    # Now that the company has a residency here, the campus's team may fill in what the registry lacks.
    if actor is None or can(actor, CHANGE, organization):
        _fill_blanks(actor=actor, organization=organization, application=application)
    application.organization = organization
    application.residency = residency
    return organization


def _registry_record(application: Application, *, new_organization: bool) -> Organization | None:
    """The registry's record of the applicant's company when none was chosen; None to create one.

    The same company (same website, or same name apart from case, legal form or spacing) is used as it
    is; a merely similar one must be chosen, or the company confirmed as new (`new_organization`)."""
    matches = registry_matches(application)
    same = [m.organization for m in matches if m.score >= SAME_COMPANY]
    names = ", ".join(m.organization.name for m in matches)
    if len(same) == 1:
        return same[0]
    if len(same) > 1:
        raise ValidationError(
            {
                "organization": _("Several organisations of the directory are this company (%(names)s): choose one.")
                % {"names": names}
            }  # fmt: skip
        )
    if matches and not new_organization:
        raise ValidationError(
            {
                "organization": _(
                    "The directory has organisations like this company (%(names)s): choose the one it is, or "
                    "confirm that it is a new organisation."
                )
                % {"names": names}
            }
        )
    return None


def _sign(*, actor, application, organization, residency, on) -> Residency:
    """The company's residency at the campus, signed: created, or moved to signed from where it stands."""
    campus = application.campus
    today = on or timezone.localdate()
    note = _("Accepted through application %(reference)s.") % {"reference": application.reference}
    if residency is None:
        return campus_services.residency_create(
            actor=actor,
            organization=organization,
            campus=campus,
            status=ResidencyStatus.SIGNED,
            signed_on=today,
            notes=note,
            provenance=application.provenance,
        )
    if residency.status in (ResidencyStatus.SIGNED, ResidencyStatus.RESIDENT):
        return residency  # already signed up: the application confirms what is
    if residency.status in (ResidencyStatus.GRADUATED, ResidencyStatus.EXITED):
        raise ValidationError(
            {
                "organization": _(
                    "%(name)s's residency at this campus has ended (%(status)s); a residency cannot be signed again. "
                    "Record the return on its residency page."
                )
                % {"name": organization.name, "status": residency.get_status_display()}
            }
        )
    # prospect/declined -> signed go straight or through prospect; applied -> in review -> signed.
    path = {
        ResidencyStatus.DECLINED: (ResidencyStatus.PROSPECT, ResidencyStatus.SIGNED),
        ResidencyStatus.APPLIED: (ResidencyStatus.IN_REVIEW, ResidencyStatus.SIGNED),
    }.get(residency.status, (ResidencyStatus.SIGNED,))
    for status in path:
        residency = campus_services.residency_change_status(
            actor=actor, residency=residency, status=status, on=today, reason=note
        )
    return residency


def _fill_blanks(*, actor, organization: Organization, application: Application) -> None:
    """Complete the registry's record with what the application says, never overwriting what it has."""
    candidates = {
        "name_zh": application.company_name_zh,
        "website": application.website,
        "country": application.country,
        "city": application.city,
        "founded_year": application.founded_year,
        "description": application.summary,
    }
    changes = {name: value for name, value in candidates.items() if value and not getattr(organization, name)}
    fields = None
    if not organization.fields.exists() and application.fields.exists():
        fields = list(application.fields.all())
    if changes or fields:
        directory_services.organization_update(
            actor=actor,
            organization=organization,
            fields=fields,
            reason=_("completed from application %(reference)s") % {"reference": application.reference},
            **changes,
        )


# --- emails ------------------------------------------------------------------------------------------


def _email_later(application: Application, template: str, *, decision: Decision | None = None) -> None:
    """Email the applicant once the transaction commits (a rolled-back decision sends nothing)."""
    application_pk, decision_pk = application.pk, decision.pk if decision else None
    transaction.on_commit(lambda: send_applicant_email(application_pk, template, decision_pk))


def send_applicant_email(application_pk: int, template: str, decision_pk: int | None = None) -> bool:
    """Send one email to the applicant, in the language of the application; stamp the decision as
    emailed. A mail server that fails is logged; the decision stands and shows as not emailed."""
    application = Application.objects.select_related("campus__organization").filter(pk=application_pk).first()
    decision = Decision.objects.filter(pk=decision_pk).first() if decision_pk else None
    if application is None:
        return False
    context = {"application": application, "campus": application.campus, "decision": decision}
    with translation.override(application.language):
        subject = render_to_string(f"intake/email/{template}_subject.txt", context)
        body = render_to_string(f"intake/email/{template}_body.txt", context)
    subject = re.sub(r"\s+", " ", subject).strip()
    try:
        send_mail(subject, body, None, [application.contact_email])
    except Exception:  # SMTP down, refused address: the write stands; staff see it was not emailed
        logger.exception("could not email application %s (%s)", application.reference, template)
        return False
    if decision is not None:
        Decision.objects.filter(pk=decision.pk).update(emailed_at=timezone.now())
    return True
