"""`create_api_token USER`: a personal API token for USER, printed once as the last line of output."""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from biocampus.accounts.models import User
from biocampus.accounts.services import token_create


class Command(BaseCommand):
    help = (
        "Create a personal API token for USER and print it. The token acts with USER's permissions; "
        "it is shown only now (only its hash is stored). The last line of the output is the token alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USER", help="The username of the token's owner.")
        parser.add_argument("--name", default="command line", help="What the token is for (default: %(default)s).")
        parser.add_argument(
            "--expires-in-days", type=int, metavar="DAYS", help="Stop working after DAYS days (default: never)."
        )

    def handle(self, *args, username, name, expires_in_days=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username!r} is inactive: a token of theirs would not work.")
        expires_at = None
        if expires_in_days is not None:
            if expires_in_days < 1:
                raise CommandError("--expires-in-days must be 1 or more.")
            expires_at = timezone.now() + datetime.timedelta(days=expires_in_days)
        try:
            token, secret = token_create(actor=None, user=user, name=name, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        expiry = f", expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else ""
        self.stdout.write(f"API token {token.prefix}… “{token.name}” for {user.username}{expiry}.")
        self.stdout.write("Send it as `Authorization: Bearer <token>`. It is shown only once:")
        self.stdout.write(secret)
