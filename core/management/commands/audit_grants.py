import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.audit import grants_sql


class Command(BaseCommand):
    help = ("PostgreSQL: let the application's database role only read and append the audit log (REVOKE UPDATE, "
            "DELETE, TRUNCATE). Run as the owner of the tables after each migrate (docs/deploy.md).")

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role the application connects as")
        parser.add_argument("--print", action="store_true", help="print the SQL instead of running it")

    def handle(self, *args, role, print=False, **options):  # noqa: A002
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", role):
            raise CommandError("a role name is letters, digits and underscores")
        statements = grants_sql(role)
        if print:
            self.stdout.write(";\n".join(statements) + ";")
            return
        if connection.vendor != "postgresql":
            raise CommandError("audit_grants applies to PostgreSQL only")
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(f"role {role}: the audit log is SELECT and INSERT only")
