"""Reset a user's second factor on the server: the only way for the administrators' (三员), and the way out
when the system administrator has lost theirs."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from banzi.accounts import otp


class Command(BaseCommand):
    help = "Remove a user's authenticator app and recovery codes; they enrol again at the next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        otp.reset_on_server(user)
        self.stdout.write(self.style.SUCCESS(
            f"The second factor of {username} was reset: they set up an authenticator app at the next sign-in."))
