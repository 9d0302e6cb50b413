"""Records as a subject of the review engine: registered when the review app is ready, with the parts only a
record's decisions need (answering a withdrawal request)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dossier.citations import record_is_cited
from dossier.models import Record, Withdrawal
from dossier.services import RecordError, record_counters_move

from .parts import Act, Part, part_register
from .subjects import SubjectType, subject_register


@part_register
class WithdrawalAnswer(Part):
    """The withdrawal request being answered (data["withdrawal"]: its id): still pending, locked, and closed with
    the decision (`outcome`: granted or refused), the deciding admin, the time and the opinion."""

    key = "withdrawal"
    OPTIONS = {"outcome": ""}

    def __init__(self, **options):
        super().__init__(**options)
        if self.options["outcome"] not in Withdrawal.State.values:
            raise TypeError(f"outcome must be one of {Withdrawal.State.values}")

    def _locked(self, act: Act) -> Withdrawal | None:
        return (Withdrawal.objects.select_for_update()
                .filter(pk=act.data.get("withdrawal"), record_id=act.subject.pk).first())

    def check(self, act):
        withdrawal = self._locked(act)
        if withdrawal is None or withdrawal.state != Withdrawal.State.PENDING:
            act.refuse("该撤回申请已处理。")

    def apply(self, act):
        withdrawal = self._locked(act)
        withdrawal.state = self.options["outcome"]
        withdrawal.decided_by = act.actor
        withdrawal.decided_at = timezone.now()
        withdrawal.opinion = act.opinion
        withdrawal.save()


@part_register
class NotCited(Part):
    """A record a filed application cites can no longer be withdrawn."""

    key = "not_cited"

    def problems(self, data, subject):
        return [("", "该业绩已被职称申报引用，不能撤回。")] if record_is_cited(subject) else []


def register() -> None:
    """Records: reviewed by the admins of their unit (the unit they were last submitted to); their stage follows
    from their status; the unit's counters follow every decision."""
    subject_register(SubjectType(
        key="record", label="业绩", model=Record, owner="owner", paths={"unit": "unit"}, error=RecordError,
        unreachable=PermissionDenied, related=("owner", "unit"), order=("submitted_at", "pk"),
        person=lambda record: record.owner.name, moved=record_counters_move,
    ))
