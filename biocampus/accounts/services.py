"""Writes to accounts: personal API tokens (create, revoke) and the lookup that authenticates them.

Who may manage a token is decided here and not in permissions.py, because tokens are not campus records:
a user manages their own tokens, a superuser anyone's, and the system (actor=None: commands) everything.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from biocampus.core.prepared import PreparedValues
from biocampus.core.sql import JSONRows
from biocampus.core.text import clean_text

from .models import ApiToken, User
from .permissions import memberships_of_user, remember_memberships

# Every token starts with this, so a leaked one is recognisable (secret scanners, logs) as a BioCampus token.
TOKEN_PREFIX = "bc_"  # noqa: S105 (a marker, not a secret)
# Characters of the token kept in clear to tell tokens apart: "bc_" and 7 random characters.
DISPLAY_PREFIX_LENGTH = 10
# Writing last_used_at on every request would turn every read into a write; once a minute is enough to
# tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _require_manager(actor, user: User) -> None:
    if actor is None or actor.is_superuser or actor.pk == user.pk:
        return
    raise PermissionDenied(_("You can only manage your own API tokens."))


@transaction.atomic
def token_create(*, actor, user: User, name: str, expires_at: datetime.datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with its secret, which is shown this once and never stored."""
    _require_manager(actor, user)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    try:
        name = clean_text(name)
    except ValidationError as error:
        raise ValidationError({"name": error.messages}) from error
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Stop a token from working. The row stays, so lists still show when it was used and revoked."""
    _require_manager(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


_USER_COLUMNS = tuple(field.attname for field in User._meta.concrete_fields)
_MEMBERSHIP_COLUMNS = ("campus_id", "role", "organization_id")
# Every API request looks its token up: compiled once per process (core.prepared), with its owner's columns
# and memberships (a JSON column: each query of a request is a round trip and a parse on PostgreSQL). Read
# on every request, never cached: a revoked token or a removed membership counts on the next one.
_VALID_TOKEN = PreparedValues(
    lambda key_hash: (
        ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .order_by()
        .annotate(owner_memberships=JSONRows(memberships_of_user(OuterRef("user_id")), columns=_MEMBERSHIP_COLUMNS))
        .values(
            "pk", "expires_at", "last_used_at", "owner_memberships", *(f"user__{column}" for column in _USER_COLUMNS)
        )[:1]
    ),
    key_hash="stand-in for a token hash",
)


def token_user(secret: str) -> User | None:
    """The active owner of a valid (known, unrevoked, unexpired) token, or None; notes when it was used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = _VALID_TOKEN.first(key_hash=hash_secret(secret))
    if token is None or (token["expires_at"] is not None and token["expires_at"] <= now):
        return None
    if token["last_used_at"] is None or now - token["last_used_at"] >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token["pk"]).update(last_used_at=now)
    user = User.from_db(_VALID_TOKEN.using, _USER_COLUMNS, [token[f"user__{column}"] for column in _USER_COLUMNS])
    remember_memberships(user, token["owner_memberships"])
    return user
