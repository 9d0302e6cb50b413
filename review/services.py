"""The flow log, shared by dossier records and (later) applications."""

from .models import FlowEntry


def flow_write(*, subject_type: str, subject_id: int, actor, role: str, action: str,
               from_status: str = "", to_status: str = "", opinion: str = "") -> FlowEntry:
    """Append one flow step. Called only inside the service that performs the step (same transaction)."""
    return FlowEntry.objects.create(
        subject_type=subject_type, subject_id=subject_id, actor=actor,
        actor_name=getattr(actor, "name", "") or "系统", role=role, action=action,
        from_status=from_status, to_status=to_status, opinion=opinion,
    )


def flow_for(*, subject_type: str, subject_id: int) -> list[FlowEntry]:
    """The flow of one subject, oldest first. Callers have already checked the subject is visible."""
    return list(FlowEntry.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("at", "pk"))
