"""The publicity rule of the bureau's 确认发证 (declared in publicity/stages.toml): a result on a list is
confirmed only once the list's period is over and no objection to it is open; a result on no list only when its
plan does not require the publicity (Plan.publicity_required, 需结果公示)."""

from django.utils import timezone

from review.parts import Part, part_register

from .models import Entry, Objection


@part_register
class PublicityClear(Part):
    key = "publicity_clear"

    def problems(self, data, subject):
        entry = Entry.objects.filter(application_id=subject.pk).select_related("publicity").first()
        if entry is None:
            if subject.plan.publicity_required:
                return [("", "该评审结果尚未公示，公示期满且无异议后才能确认。")]
            return []
        if entry.publicity.ends_on >= timezone.localdate():
            return [("", f"公示期至{entry.publicity.ends_on:%Y-%m-%d}，公示期满后才能确认。")]
        if entry.objections.filter(status__in=Objection.OPEN).exists():
            return [("", "该评审结果有尚未办结的异议，不能确认。")]
        return []
