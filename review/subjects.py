"""What the engine knows of the things it reviews: records (registered by review.records) and applications
(registered by the applications app when it is ready: review never imports it).

A subject type names its model and the fields the engine reads: the person it belongs to (回避), where its stage
is kept (or none: a record's stage follows from its status), the clerk holding it, the paths from it to the
organisations the roles are scoped by (review.scopes), and the hooks only it can answer: its chain's stages as
its plan chooses them, the sections a return may name, the hash of what was filed, what follows a status change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q


@dataclass(frozen=True)
class Delegation:
    """委托: the unit's admins may hand their stage to another organisation. `reach(units)` is what the admins
    of `units` reach; `unit_of(subject)` is the unit whose admins hold the subject's unit stage."""

    reach: Callable[[set[int]], Q]
    unit_of: Callable[[Any], int | None]


@dataclass(frozen=True)
class SubjectType:
    key: str  # "record" | "application": FlowEntry.subject_type and Decision.subject_type
    label: str  # what a recusal note calls it: 业绩, 职称申报
    model: type[Model]
    owner: str  # the foreign key naming the person it belongs to
    paths: dict[str, str]  # organisation → field path: unit, department, region, body (review.scopes)
    error: type[Exception]  # a refusal the user can read
    unreachable: type[Exception]  # out of the actor's scope: Http404 (a page that does not exist) or PermissionDenied
    status_field: str = "status"
    stage_field: str = ""  # "": the stage follows from the status (the stage declaring it)
    claim_field: str = ""  # the clerk holding it at its stage: a work assignment, not lifecycle state
    since_field: str = ""  # when it arrived at its stage
    order: tuple[str, ...] = ("pk",)  # oldest first
    related: tuple[str, ...] = ()  # what its pages read with it
    person: Callable[[Any], str] = lambda subject: ""  # its person's name, for the messages
    chosen: Callable[[Any], set[str]] = lambda subject: set()  # plan_key of the stages its plan names
    delegation: Delegation | None = None
    search: Callable[[str], Q] | None = None
    return_choices: Callable[[Any], list[tuple[str, str]]] = lambda subject: []
    snapshot_hash: Callable[[Any], str] = lambda subject: ""
    moved: Callable[[Any, dict], None] | None = None  # after a status change; gets the values before it

    def owner_id(self, subject) -> int | None:
        return getattr(subject, f"{self.owner}_id")


SUBJECTS: dict[str, SubjectType] = {}


def subject_register(subject_type: SubjectType) -> None:
    SUBJECTS[subject_type.key] = subject_type


def subject_type_for(subject) -> SubjectType:
    """The registered type of a model instance."""
    return next(t for t in SUBJECTS.values() if isinstance(subject, t.model))
