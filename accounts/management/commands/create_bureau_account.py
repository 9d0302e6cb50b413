from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import first_bureau_account_create
from orgs.models import Region
from orgs.services import regions_load


class Command(BaseCommand):
    help = ("A province's first HR-bureau account on an empty installation (no demo data): loads the divisions, "
            "creates the bureau's unit and one person holding 人社部门 over the region and 系统管理员; prints a "
            "temporary password, to be changed at first sign-in (docs/deploy.md).")

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="the bureau's 6-digit division code, e.g. 350000")
        parser.add_argument("--bureau-name", required=True, help="e.g. 福建省人力资源和社会保障厅")
        parser.add_argument("--credit-code", required=True, help="the bureau's 统一社会信用代码")
        parser.add_argument("--name", required=True, help="the person's name")
        parser.add_argument("--id-number", required=True, help="the person's ID number (their sign-in name)")
        parser.add_argument("--phone", required=True, help="the person's mobile number")

    def handle(self, *args, region, bureau_name, credit_code, name, id_number, phone, **options):
        regions_load()
        division = Region.objects.filter(code=region).first()
        if division is None:
            raise CommandError(f"no administrative division {region}")
        try:
            person, password = first_bureau_account_create(
                region=division, bureau_name=bureau_name, credit_code=credit_code, name=name, id_number=id_number,
                phone=phone)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"账号 {person.username}（{person.name}）已创建，临时密码：{password}（首次登录须修改）")
