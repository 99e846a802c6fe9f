"""`revoke_api_token USER --prefix P | --name N | --all`: stop API tokens of USER from working."""

from django.core.management.base import BaseCommand, CommandError

from biocampus.accounts.models import ApiToken, User
from biocampus.accounts.services import token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens of USER, chosen by prefix (as create_api_token shows it), by name, or all of them."

    def add_arguments(self, parser):
        parser.add_argument("username", metavar="USER")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix", help="The token's first characters, e.g. bc_a1B2c3d.")
        which.add_argument("--name", help="Every token of USER with this name.")
        which.add_argument("--all", action="store_true", help="Every token of USER.")

    def handle(self, *args, username, prefix=None, name=None, all=False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if prefix:
            tokens = tokens.filter(prefix=prefix.rstrip("…"))
        elif name:
            tokens = tokens.filter(name=name)
        revoked = [token_revoke(actor=None, token=token) for token in tokens]
        if not revoked:
            raise CommandError(f"{username} has no working token that matches.")
        for token in revoked:
            self.stdout.write(f"Revoked {token.prefix}… “{token.name}”.")
