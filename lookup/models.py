"""One search document per approved dossier record and per filed application: who it belongs to, what it is,
where it sits (the organisations review.scopes reads), and its text cut into bigrams (lookup.grams).

The bigrams are indexed per database: on PostgreSQL a GIN index over `string_to_array(grams, ' ')`, on SQLite an
FTS5 table over the same column kept by triggers (migration 0001). Both are created by the migration for their
database only, so the model declares neither.
"""

from django.db import models


class Document(models.Model):
    class Kind(models.TextChoices):
        RECORD = "record", "业绩档案"
        APPLICATION = "application", "职称申报"

    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    name = models.CharField("姓名", max_length=50)
    # Masked (core.masking): all a result shows. Exact search by ID number goes through the blind index.
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    id_number_bidx = models.CharField(max_length=64, null=True)  # noqa: DJ001 - added without rebuilding the table
    title = models.CharField("名称", max_length=200, blank=True)
    detail = models.CharField("类型", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, blank=True)
    unit = models.ForeignKey("orgs.Unit", verbose_name="单位", null=True, on_delete=models.CASCADE,
                             related_name="+", db_index=False)
    department = models.ForeignKey("orgs.Unit", null=True, on_delete=models.CASCADE, related_name="+",
                                   db_index=False)
    region = models.ForeignKey("orgs.Region", null=True, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    body = models.ForeignKey("orgs.Unit", null=True, on_delete=models.CASCADE, related_name="+", db_index=False,
                             help_text="the bureau whose committee reviews an application")
    dated = models.DateTimeField("日期", null=True)
    text = models.TextField(help_text="the normalised text the bigrams come from: a query is checked against it")
    grams = models.TextField(help_text="the text's distinct bigrams, separated by spaces")

    class Meta:
        verbose_name = verbose_name_plural = "检索文档"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="lookup_document_subject")]
        indexes = [models.Index(fields=["id_number_bidx"], name="lookup_document_id_bidx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name} {self.title}"
