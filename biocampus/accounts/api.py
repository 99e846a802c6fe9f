"""API of the caller's own account: who they are, their roles, and their personal API tokens."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from biocampus.api.operations import creates, deletes, lists, reads
from biocampus.api.schemas import CampusRef, Choice, DateTime, InputSchema, Line, OrganizationRef

from . import services
from .choices import Role
from .models import ApiToken

router = Router()
account = Router(tags=["Account"])
router.add_router("", account)


class MembershipOut(Schema):
    campus: CampusRef
    role: Choice(Role)
    organization: OrganizationRef | None = Field(description="The organisation a resident member or partner acts for.")


class MeOut(Schema):
    username: str
    name: str
    email: str
    is_superuser: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_name(user) -> str:
        return user.get_full_name()

    @staticmethod
    def resolve_memberships(user):
        return list(user.memberships.select_related("campus__organization", "organization"))


class TokenOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(
        validation_alias="secret", description="The secret: shown only in this answer (only its hash is kept)."
    )


class TokenIn(InputSchema):
    name: Line(100, min_length=1) = Field(description="What the token is for: a script, a system.")
    expires_at: DateTime | None = Field(None, description="When it stops working; never if left out.")


@account.get("/me", **reads(MeOut, versioned=False))
def get_me(request):
    """Who the API sees: the owner of the token or the signed-in user, with their roles."""
    return request.auth


@account.get("/tokens", **lists(list[TokenOut]))
def list_tokens(request):
    """Your API tokens, newest first, revoked ones included (secrets are never shown again)."""
    return ApiToken.objects.filter(user=request.auth)


@account.post("/tokens", **creates(NewTokenOut, versioned=False))
def create_token(request, payload: TokenIn):
    """Create a personal API token; the answer holds its secret, this once."""
    token, secret = services.token_create(actor=request.auth, user=request.auth, **payload.model_dump())
    token.secret = secret  # not a field: it lives only in this answer
    return Status(201, NewTokenOut.from_orm(token))


@account.delete("/tokens/{public_id}", **deletes(versioned=False))
def revoke_token(request, public_id: UUID):
    """Revoke one of your tokens: it stops working at once."""
    token = ApiToken.objects.filter(user=request.auth, public_id=public_id).first()
    if token is None:
        raise Http404(_("You have no API token with id %(id)s.") % {"id": public_id})
    services.token_revoke(actor=request.auth, token=token)
    return Status(204, None)
