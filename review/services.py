"""Writes of the review of records, for the pages and the callers that decide one record or one withdrawal
request: each is the review engine's one transition function at the record's stage (review/stages.toml)."""

from dossier.models import Record, Withdrawal

from . import engine


def record_decide(*, actor, record: Record, decision: str, opinion: str = "") -> Record:
    """A unit admin of the record's unit decides on a pending record: approve (opinion optional), return
    (opinion required), terminate. Never on a record of their own (回避, in the engine)."""
    return engine.decide(actor=actor, stage="record_unit", subject_id=record.pk, decision=decision,
                         data={"opinion": opinion})


def withdrawal_decide(*, actor, withdrawal: Withdrawal, grant: bool, opinion: str = "") -> Withdrawal:
    """A unit admin of the record's unit grants a withdrawal request (the record goes back to 编辑中) or refuses
    it (reason required); never one on their own record."""
    engine.decide(actor=actor, stage="record_withdrawal", subject_id=withdrawal.record_id,
                  decision="withdraw_grant" if grant else "withdraw_refuse",
                  data={"opinion": opinion, "withdrawal": withdrawal.pk})
    return Withdrawal.objects.get(pk=withdrawal.pk)
