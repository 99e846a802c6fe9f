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
