"""`manage.py create_administrators`: make the three separated administrators (三员分立) on the server.

This, not `createsuperuser`, is how the system is set up: the system administrator (accounts and
configuration), the security administrator (roles, scopes, security policy) and the audit
administrator (the audit trail). None of them can change another's account from the pages, so an
administrator's lost password is also reset here (`--reset-password <username>`). Django's
`is_superuser` flag gives no access to anything in Banzi and is never set.

Passwords are asked for at the terminal, or read from BANZI_SYSTEM_ADMIN_PASSWORD,
BANZI_SECURITY_ADMIN_PASSWORD and BANZI_AUDIT_ADMIN_PASSWORD when set (for scripted installs).
"""
import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from banzi.core.audit import record_event
from banzi.core.models import AuditEvent
from banzi.core.roles import Role

from ...models import User

ADMINISTRATORS = [
    # (role, option, default username, environment variable of the password)
    (Role.SYSTEM_ADMIN, "system", "sysadmin", "BANZI_SYSTEM_ADMIN_PASSWORD"),
    (Role.SECURITY_ADMIN, "security", "secadmin", "BANZI_SECURITY_ADMIN_PASSWORD"),
    (Role.AUDITOR, "audit", "auditor", "BANZI_AUDIT_ADMIN_PASSWORD"),
]
COMMAND = "manage.py create_administrators"


class Command(BaseCommand):
    help = ("Create the system, security and audit administrators (三员分立), or reset one's password. "
            "Use this instead of createsuperuser: is_superuser gives no access in Banzi.")

    def add_arguments(self, parser):
        for _role, option, default, _env in ADMINISTRATORS:
            parser.add_argument(f"--{option}", default=default, metavar="USERNAME",
                                help=f"username of the {option} administrator (default: {default})")
        parser.add_argument("--reset-password", metavar="USERNAME",
                            help="set a new password for this administrator instead of creating anyone")

    def handle(self, *args, **options):
        wanted = [(role, options[option], env) for role, option, _default, env in ADMINISTRATORS]
        if options["reset_password"]:
            return self.reset(options["reset_password"], wanted)
        for role, username, env in wanted:
            existing = User.objects.filter(username=username).first()
            if existing is not None:
                if existing.role != role:
                    raise CommandError(f"{username} exists with another role ({existing.role or 'none'}); "
                                       "choose another username.")
                self.stdout.write(f"{username}: already the {role.label}; unchanged.")
                continue
            user = User(username=username, role=role)
            password = self.password_for(user, env)
            with transaction.atomic():
                user.set_password(password)
                user._change_reason = f"Created by {COMMAND}"
                user.full_clean()
                user.save()
                record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.CREATE, obj=user,
                             username=COMMAND, detail=f"{role.label} created on the server")
            self.stdout.write(self.style.SUCCESS(f"{username}: {role.label} created."))

    def reset(self, username, wanted):
        user = User.objects.filter(username=username, role__in=[Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN,
                                                                 Role.AUDITOR]).first()
        if user is None:
            raise CommandError(f"{username} is not an administrator; business accounts are reset by the "
                               "system administrator on the accounts page.")
        env = next((e for role, _name, e in wanted if role == user.role), None)
        password = self.password_for(user, env)
        with transaction.atomic():
            user.set_password(password)
            user.skip_history_when_saving = True
            user.save(update_fields=["password"])
            record_event(kind=AuditEvent.Kind.SECURITY, action=AuditEvent.Action.UPDATE, obj=user,
                         username=COMMAND, detail="Administrator's password reset on the server")
        self.stdout.write(self.style.SUCCESS(f"{username}: password reset."))

    def password_for(self, user, env):
        password = os.environ.get(env or "", "")
        if not password:
            password = getpass.getpass(f"Password for {user.username}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password
