"""Who may see and change what: the one place where BioCampus decides.

Pages, API routers and services ask here; none of them filters by role on its own.

The rules:
- Superusers see and change everything.
- The registry (organisations, people, campuses, fields) is shared by the network: every user with a
  membership reads it.
- Campus-scoped records (residencies, agreements, events, milestones, programmes, targets, funding)
  belong to one campus. Its admins, staff, partner and government viewers read them all; a resident
  member reads only those that involve its own organisation.
- Campus admins and staff change their campus's records and the organisations their campus stewards
  or hosts; campus admins change their campus itself; a resident member changes only its own
  organisation's profile (and its people).
- Webhooks and their deliveries (ADMIN_ONLY) are seen and managed by their campus's admins only;
  network-wide webhooks (no campus) by superusers only.
- Applications to a campus and their reviews (STAFF_ONLY) hold applicants' private data: only the
  campus's admins and staff see and handle them. The public submits applications without an account
  (intake.services.application_submit runs as the system).
- A campus's catalogue (CAMPUS_CATALOGUE: intake criteria, service centres and their services) is read
  by everyone with a role at that campus, resident members included.
- Service requests: a resident member opens them for its own organisation (RESIDENT_OPENABLE) and reads
  only those; it may comment on them. Internal notes stay with the campus's admins and staff (hidden
  from resident members, partner and government viewers). Staff assign them and change their status.
- Exchange rates (NETWORK_TABLES) are read by every member and kept by superusers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from biocampus.core.prepared import PreparedValues, stand_in_int

from .choices import CAMPUS_WIDE_READER_ROLES, EDITOR_ROLES, Role

if TYPE_CHECKING:
    from .models import User

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"


@dataclass(frozen=True)
class Scope:
    """How a model hangs off a campus and which organisations a record of it involves."""

    campus: str | None  # lookup path to the owning Campus; None for registry models
    organizations: tuple[str, ...] = ()  # lookup paths to the organisations involved


# Keyed by model label so that this module imports no domain model at load time.
SCOPES: dict[str, Scope] = {
    "directory.organization": Scope(campus=None),
    "directory.person": Scope(campus=None),
    "directory.field": Scope(campus=None),
    "campuses.campus": Scope(campus=None),
    "campuses.residency": Scope("campus", ("organization",)),
    "agreements.agreement": Scope("campus", ("parties__organization",)),
    "events.event": Scope("campus", ("participations__organization", "showcases__organization")),
    "progress.milestone": Scope("campus", ("organization",)),
    "progress.programme": Scope("campus", ("organizations",)),
    "progress.target": Scope("campus", ("organization", "programme__organizations")),
    "progress.fundinground": Scope("campus", ("recipient", "investments__investor")),
    # Webhooks and their deliveries are campus configuration: only the campus's admins see and manage them.
    "webhooks.webhook": Scope("campus"),
    "webhooks.webhookdelivery": Scope("webhook__campus"),
    "events.lead": Scope("event__campus", ("organization", "taken_by")),
    "progress.milestoneevidence": Scope("milestone__campus", ("milestone__organization",)),
    "progress.exchangerate": Scope(campus=None),
    "intake.intakecriterion": Scope("campus"),
    "intake.application": Scope("campus"),
    "intake.applicationattachment": Scope("application__campus"),
    "intake.review": Scope("application__campus"),
    "intake.reviewscore": Scope("review__application__campus"),
    "intake.decision": Scope("application__campus"),
    "servicedesk.servicecentre": Scope("campus"),
    "servicedesk.service": Scope("centre__campus"),
    "servicedesk.servicerequest": Scope("campus", ("organization",)),
    "servicedesk.servicerequestcomment": Scope("request__campus", ("request__organization",)),
    # Press releases and the facts proposed from them are the campus team's working material (a document
    # of no campus is reviewed by superusers).
    "intelligence.sourcedocument": Scope("campus"),
    "intelligence.ingestrun": Scope("campus"),
    "intelligence.proposedfact": Scope("document__campus"),
}
ADMIN_ONLY = frozenset({"webhooks.webhook", "webhooks.webhookdelivery"})
STAFF_ONLY = frozenset(
    {"intake.application", "intake.applicationattachment", "intake.review", "intake.reviewscore", "intake.decision"}
    | {"intelligence.sourcedocument", "intelligence.ingestrun", "intelligence.proposedfact"}
)
CAMPUS_CATALOGUE = frozenset({"intake.intakecriterion", "servicedesk.servicecentre", "servicedesk.service"})
RESIDENT_OPENABLE = frozenset({"servicedesk.servicerequest"})
NETWORK_TABLES = frozenset({"progress.exchangerate"})


@dataclass(frozen=True)
class Access:
    """What one user's memberships add up to; computed once per user object."""

    is_superuser: bool = False
    has_membership: bool = False
    admin_campuses: frozenset[int] = frozenset()
    editor_campuses: frozenset[int] = frozenset()
    reader_campuses: frozenset[int] = frozenset()
    resident_campuses: frozenset[int] = frozenset()
    own_organizations: frozenset[int] = frozenset()
    partner_organizations: frozenset[int] = field(default_factory=frozenset)
    # campus id -> the organisations the user acts for there as a resident member
    resident_organizations: dict[int, frozenset[int]] = field(default_factory=dict)


def memberships_of_user(user_id):
    """The user's memberships as rows of campus_id, role and organization_id: what access_for reads (and, as a
    correlated subquery on an OuterRef, what accounts.services.token_user brings along with the user and
    hands to remember_memberships)."""
    from .models import Membership  # the models import this module

    # No order (the model's default sorts by the user's name, a join).
    return Membership.objects.filter(user_id=user_id).order_by().values("campus_id", "role", "organization_id")


# Every request of a member reads its memberships: compiled once per process (core.prepared).
_MEMBERSHIPS = PreparedValues(memberships_of_user, user_id=stand_in_int())


def access_for(user: User | None) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return Access()
    cached = getattr(user, "_biocampus_access", None)
    if cached is not None:
        return cached
    return remember_memberships(user, _MEMBERSHIPS.rows(user_id=user.pk))


def remember_memberships(user: User, rows: list[dict]) -> Access:
    """The user's Access from their memberships' rows (campus_id, role, organization_id), kept on the user
    object for the rest of the request."""
    admin, editor, reader, resident, own, partner = set(), set(), set(), set(), set(), set()
    resident_organizations: dict[int, set[int]] = {}
    for row in rows:
        campus_id, role, organization_id = row["campus_id"], row["role"], row["organization_id"]
        if role == Role.CAMPUS_ADMIN:
            admin.add(campus_id)
        if role in EDITOR_ROLES:
            editor.add(campus_id)
        if role in CAMPUS_WIDE_READER_ROLES:
            reader.add(campus_id)
        if role == Role.RESIDENT_MEMBER:
            resident.add(campus_id)
            own.add(organization_id)
            resident_organizations.setdefault(campus_id, set()).add(organization_id)
        if role == Role.PARTNER:
            partner.add(organization_id)
    access = Access(
        is_superuser=user.is_superuser,
        has_membership=bool(rows),
        admin_campuses=frozenset(admin),
        editor_campuses=frozenset(editor),
        reader_campuses=frozenset(reader),
        resident_campuses=frozenset(resident),
        own_organizations=frozenset(own),
        partner_organizations=frozenset(partner),
        resident_organizations={c: frozenset(orgs) for c, orgs in resident_organizations.items()},
    )
    user._biocampus_access = access
    return access


def forget_access(user: User) -> None:
    """Call after changing a user's memberships within the same request or test."""
    if hasattr(user, "_biocampus_access"):
        del user._biocampus_access


def _scope(model: type[models.Model]) -> Scope:
    try:
        return SCOPES[model._meta.label_lower]
    except KeyError as missing:
        raise LookupError(f"No permission scope declared for {model._meta.label}") from missing


def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether a lookup path walks a one-to-many or many-to-many relation (so rows could repeat)."""
    current = model
    for part in path.split("__"):
        relation = current._meta.get_field(part)
        if relation.one_to_many or relation.many_to_many:
            return True
        if not relation.is_relation:
            return False
        current = relation.related_model
    return False


def visible(queryset: models.QuerySet, user: User | None) -> models.QuerySet:
    """The records of `queryset` that `user` may read."""
    access = access_for(user)
    if access.is_superuser:
        return queryset
    if not access.has_membership:
        return queryset.none()
    model = queryset.model
    scope = _scope(model)
    if scope.campus is None:
        return queryset
    label = model._meta.label_lower
    if label in ADMIN_ONLY or label in STAFF_ONLY:
        return editable(queryset, user)
    condition = Q(**{f"{scope.campus}__in": access.reader_campuses})
    if label in CAMPUS_CATALOGUE:
        return queryset.filter(condition | Q(**{f"{scope.campus}__in": access.resident_campuses}))
    # Internal notes on service requests are the campus team's: residents, partner and government viewers
    # read only the conversation.
    resident_condition = Q()
    if label == "servicedesk.servicerequestcomment":
        resident_condition = Q(is_internal=False)
        condition = Q(**{f"{scope.campus}__in": access.editor_campuses}) | (condition & resident_condition)
    # A resident member reads, at each campus, the records involving the organisation it acts for there
    # (and none of a model that involves no organisation).
    for campus_id, organization_ids in access.resident_organizations.items() if scope.organizations else ():
        involves_own = Q()
        for path in scope.organizations:
            involves_own |= Q(**{f"{path}__in": organization_ids})
        condition |= Q(**{scope.campus: campus_id}) & involves_own & resident_condition
    involves_organizations = bool(access.resident_organizations) and bool(scope.organizations)
    if involves_organizations and any(_crosses_many(model, path) for path in scope.organizations):
        # A subquery keeps the outer query free of joins that would repeat rows. Only a resident member's
        # condition walks those paths; a campus-wide reader's filters the campus column directly, which
        # keeps big lists (the ecosystem graph's agreements) to one plain filter the planner gets right.
        return queryset.filter(pk__in=model._default_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def reads_every(model: type[models.Model], user: User | None) -> bool:
    """Whether visible() leaves the model's rows unfiltered for `user` (a superuser, or a member reading a
    model no campus owns, such as the shared directory's organisations). Reads that run prepared SQL
    (biocampus.core.prepared), with no queryset for visible() to narrow, take that path only then."""
    access = access_for(user)
    return access.is_superuser or (access.has_membership and _scope(model).campus is None)


def editable(queryset: models.QuerySet, user: User | None) -> models.QuerySet:
    """The records of `queryset` that `user` may change or delete."""
    access = access_for(user)
    if access.is_superuser:
        return queryset
    if not access.has_membership:
        return queryset.none()
    label = queryset.model._meta.label_lower
    if label == "directory.organization":
        return queryset.filter(pk__in=_editable_organization_ids(access))
    if label == "directory.person":
        condition = Q(organization__in=_editable_organization_ids(access))
        if access.editor_campuses:
            condition |= Q(organization__isnull=True)
        return queryset.filter(condition)
    if label == "campuses.campus":
        return queryset.filter(pk__in=access.admin_campuses)
    if label == "directory.field" or label in NETWORK_TABLES:
        return queryset.none()
    scope = _scope(queryset.model)
    if label in ADMIN_ONLY:  # network-wide webhooks (no campus) stay the superusers'
        return queryset.filter(**{f"{scope.campus}__in": access.admin_campuses})
    return queryset.filter(**{f"{scope.campus}__in": access.editor_campuses})


def deletable(queryset: models.QuerySet, user: User | None) -> models.QuerySet:
    """Like editable(), but an organisation goes only if no campus outside the user's reach holds records
    of it: deleting it would cascade into their residencies, milestones and funding."""
    queryset = editable(queryset, user)
    access = access_for(user)
    if access.is_superuser or queryset.model._meta.label_lower != "directory.organization":
        return queryset
    outside = ~Q(campus__in=access.editor_campuses)
    from biocampus.campuses.models import Residency
    from biocampus.progress.models import FundingRound, Milestone, Target

    for model, path in ((Residency, "organization"), (Milestone, "organization"), (Target, "organization"),
                        (FundingRound, "recipient")):  # fmt: skip
        queryset = queryset.exclude(pk__in=model.objects.filter(outside).values(path))
    return queryset


def _editable_organization_ids(access: Access) -> models.QuerySet:
    from biocampus.directory.models import Organization

    condition = Q(pk__in=access.own_organizations)
    if access.editor_campuses:
        condition |= Q(steward__in=access.editor_campuses) | Q(residencies__campus__in=access.editor_campuses)
    if access.admin_campuses:
        condition |= Q(campus__in=access.admin_campuses)
    return Organization.objects.filter(condition).values("pk")


def can(user: User | None, action: str, obj: models.Model) -> bool:
    """Whether `user` may `action` (view, change, delete) this existing record."""
    manager = type(obj)._default_manager.filter(pk=obj.pk)
    if action == VIEW:
        return visible(manager, user).exists()
    if action == CHANGE:
        return editable(manager, user).exists()
    if action == DELETE:
        return deletable(manager, user).exists()
    raise ValueError(f"unknown action {action!r}")


def can_add(user: User | None, model: type[models.Model], *, campus=None) -> bool:
    """Whether `user` may create a record of `model` (at `campus`, for campus-scoped models)."""
    access = access_for(user)
    if access.is_superuser:
        return True
    label = model._meta.label_lower
    if label in ("campuses.campus", "directory.field") or label in NETWORK_TABLES:
        return False
    if label == "directory.organization":
        return bool(access.editor_campuses)
    if label == "directory.person":
        # Resident members add people to their own organisation (the service checks CHANGE of it);
        # a person of no organisation is a registry record, added like an organisation.
        return bool(access.editor_campuses or access.own_organizations)
    if label in ADMIN_ONLY:
        return campus.pk in access.admin_campuses if campus is not None else bool(access.admin_campuses)
    if label in RESIDENT_OPENABLE:
        campuses = access.editor_campuses | access.resident_campuses
        return campus.pk in campuses if campus is not None else bool(campuses)
    if campus is None:
        return bool(access.editor_campuses)
    return campus.pk in access.editor_campuses


def may_act_for(user: User | None, organization, *, campus) -> bool:
    """Whether `user` may act on behalf of `organization` at `campus`: its campus's staff may for any
    organisation; a resident member only for the organisation it belongs to there."""
    if user is None:
        return True
    access = access_for(user)
    if access.is_superuser or campus.pk in access.editor_campuses:
        return True
    return organization is not None and organization.pk in access.resident_organizations.get(campus.pk, ())


def campus_team(campus) -> models.QuerySet:
    """The active users who change `campus`'s records (its admins and staff): whom work can be assigned to."""
    from .models import User

    return User.objects.filter(
        is_active=True, memberships__campus=campus, memberships__role__in=EDITOR_ROLES
    ).distinct()


def campuses_reportable_by(user: User | None) -> models.QuerySet:
    """The campuses whose whole-campus reports (dashboard downloads, reports for government partners)
    `user` may have: those whose every record it reads. A resident member reads only its own share, so a
    campus-wide report is not for it."""
    from biocampus.campuses.models import Campus

    access = access_for(user)
    campuses = Campus.objects.select_related("organization")
    return campuses if access.is_superuser else campuses.filter(pk__in=access.reader_campuses)


def campuses_editable_by(user: User | None) -> models.QuerySet:
    from biocampus.campuses.models import Campus

    access = access_for(user)
    campuses = Campus.objects.select_related("organization")
    return campuses if access.is_superuser else campuses.filter(pk__in=access.editor_campuses)


def require(user: User | None, action: str, obj_or_model, *, campus=None) -> None:
    """Raise PermissionDenied unless `user` may act. `user=None` is the system itself (commands, tasks)."""
    if user is None:
        return
    allowed = can_add(user, obj_or_model, campus=campus) if action == ADD else can(user, action, obj_or_model)
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))


def is_read_only(user: User | None) -> bool:
    """Partner and government viewers (and users without a role) change nothing."""
    access = access_for(user)
    return not (access.is_superuser or access.editor_campuses or access.own_organizations)
