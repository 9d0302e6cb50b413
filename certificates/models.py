"""电子证书 (issue 22 items 4-5): the certificate of a confirmed result is its application (number, holder, series,
level, committee, dates); this app adds only what happens to it afterwards: 撤销职称 by the HR bureau."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Revocation(models.Model):
    """撤销职称: the certificate of a confirmed application is revoked (fraud found later…); verification says so."""

    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT,
                                       related_name="certificate_revocation")
    reason = models.CharField("撤销原因", max_length=500)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField("撤销时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "证书撤销"

    def __str__(self):
        return f"撤销#{self.application_id}"
