import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ROLES_WITH_ORGANIZATION, Role


class User(AbstractUser):
    """A person who signs in. What they may see and do follows from their memberships."""

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    """A user's role at one campus; resident members and partners act for one organisation there."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    campus = models.ForeignKey(
        "campuses.Campus", verbose_name=_("campus"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        help_text=_("The organisation a resident member or partner acts for."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["user__username", "campus_id", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "campus", "role", "organization"],
                name="membership_unique",
                violation_error_message=_("This user already has this role at this campus."),
            ),
            models.CheckConstraint(
                name="membership_organization_for_member_roles",
                condition=~models.Q(role__in=sorted(ROLES_WITH_ORGANIZATION)) | models.Q(organization__isnull=False),
                violation_error_message=_("A resident member or partner must act for an organisation."),
            ),
        ]

    def __str__(self) -> str:
        who = f"{self.user} · {self.get_role_display()} · {self.campus}"
        return f"{who} · {self.organization}" if self.organization_id else who


class ApiToken(models.Model):
    """A personal API token: lets a script act as its owner, with exactly the owner's permissions.

    Only the SHA-256 hash of the secret is stored, so a copy of the database holds no working token. A
    fast hash is enough (no password hasher) because the secret is 256 random bits, not a guessable
    password, and it lets a request find its token through the unique index in one query. The prefix
    (the token's first characters) is what lists show to tell tokens apart.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for: a script, a system."))
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    key_hash = models.CharField(_("SHA-256 of the secret"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                name="api_token_name_not_blank",
                condition=~models.Q(name=""),
                violation_error_message=_("A token needs a name that says what it is for."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… · {self.name} · {self.user}"
