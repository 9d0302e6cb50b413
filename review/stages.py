"""The review stages and desks of review/stages.toml, loaded once and checked: every role, part, transition and
reference must exist, or the start-up stops naming the declaration at fault.

A province adjusts them with override files (settings.REVIEW_STAGE_OVERRIDES, applied in order): a table merges
into the declaration key by key (`[stages.unit.decisions.approve] label = "推荐"`), a new stage is added whole,
and a new application stage takes its place in the order with `after = "<stage>"`.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.models import Role

from .parts import PARTS, Part
from .subjects import SUBJECTS

BASE = Path(__file__).with_name("stages.toml")
NEEDS = ("required", "optional")
LEADS = ("next", "end")
FORMS = ("choice", "each", "derived")
TAB_FILTERS = {"key", "label", "at", "not_at", "claimed", "status", "not_status", "decided", "todo"}


@dataclass(frozen=True)
class DecisionSpec:
    key: str
    label: str  # what the flow shows: 通过, 评委会接收
    leads: str  # "next" | "end"
    transition: str  # the subject model's transition ("" for an end that keeps the status)
    parts: tuple[Part, ...]
    button: str = ""  # the submit button of its own form (form = "each")
    testid: str = ""
    prefix: str = ""
    prompt: str = ""  # asked in the browser before the form is sent
    style: str = ""  # the button's look (Bootstrap: primary, success, warning…)
    done: str = ""  # the message after it, "{name}": the subject's person

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)


@dataclass(frozen=True)
class Stage:
    key: str
    subject: str
    label: str
    office: str  # who acts, as the flow's badge names them
    place: str  # where the subject is, as the lists' 流程节点 says
    role: str
    status: str  # the subject's status while it waits here
    verb: str  # what a recusal note says one may not do: 审核, 办理
    others: str  # how a recusal note names the stage's other staff
    decisions: dict[str, DecisionSpec]
    messages: dict[str, str]
    claims: bool = False
    chain: str = ""  # applications: "plan" (chosen by the plan) | "always"
    plan_key: str = ""
    skip_without: str = ""  # a scope path: the stage is skipped for a subject without that organisation
    recusal_subject: str = ""
    act: str = "查看"  # the list's button while the subject waits here
    heading: str = ""
    form: str = "each"
    decided_by: str = ""  # a part that chooses the decision from what was entered
    action: str = ""  # the form's action (form = "derived")
    button: str = ""
    testid: str = ""
    prefix: str = ""

    def message(self, which: str, **values) -> str:
        return self.messages[which].format(**values)

    def actions(self) -> list[str]:
        """What its forms post as their action: "decide" for a form with a choice of decisions, the stage's
        `action` for a form whose decision follows from it, else each decision's key."""
        if self.form == "choice":
            return ["decide"]
        if self.form == "derived":
            return [self.action]
        return list(self.decisions)

    def parts(self) -> list[Part]:
        """Every part of its decisions, once each, in the order they are first declared (the form's order)."""
        seen: dict[str, Part] = {}
        for decision in self.decisions.values():
            for part in decision.parts:
                seen.setdefault(part.key, part)
        return list(seen.values())


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    at: tuple[str, ...] = ()
    not_at: tuple[str, ...] = ()
    claimed: str = ""  # "me" | "nobody"
    status: tuple[str, ...] = ()
    not_status: tuple[str, ...] = ()
    decided: tuple[str, ...] = ()
    todo: bool = False  # work for the reader: their own subjects are left out (回避)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str = ""


@dataclass(frozen=True)
class Desk:
    key: str
    subject: str
    label: str
    title: str
    heading: str
    role: str
    stages: tuple[str, ...]
    tabs: tuple[Tab, ...]
    show_unit: bool = True
    links: tuple[Link, ...] = ()
    sees: tuple[str, ...] = ()  # panels beside the subject on its review page (applications.chain.PANELS)


@dataclass(frozen=True)
class Stages:
    stages: dict[str, Stage]
    desks: dict[str, Desk]
    order: dict[str, tuple[str, ...]] = field(default_factory=dict)  # subject → its stages in chain order

    def get(self, key: str) -> Stage:
        return self.stages[key]

    def desk(self, key: str) -> Desk:
        return self.desks[key]

    def desk_of(self, stage: str) -> Desk | None:
        return next((d for d in self.desks.values() if stage in d.stages), None)

    def desks_of(self, subject: str) -> list[Desk]:
        return [d for d in self.desks.values() if d.subject == subject]

    def of(self, subject: str) -> list[Stage]:
        return [self.stages[key] for key in self.order.get(subject, ())]


def _merge(base: dict, override: dict) -> dict:
    """Tables merge key by key; anything else is replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _part(where: str, key: str, declared) -> Part:
    if key not in PARTS:
        raise ImproperlyConfigured(f"{where}: unknown part {key!r} (known: {', '.join(sorted(PARTS))})")
    options = {"need": declared} if isinstance(declared, str) else dict(declared)
    need = options.pop("need", "required")
    if need not in NEEDS:
        raise ImproperlyConfigured(f"{where}: part {key} needs 'required' or 'optional', not {need!r}")
    try:
        return PARTS[key](need=need, **options)
    except TypeError as error:
        raise ImproperlyConfigured(f"{where}: part {key}: {error}") from None


def _decision(where: str, key: str, raw: dict, model) -> DecisionSpec:
    raw = dict(raw)
    parts = tuple(_part(f"{where}.{key}", name, need) for name, need in raw.pop("parts", {}).items())
    leads = raw.pop("leads", "")
    if leads not in LEADS:
        raise ImproperlyConfigured(f"{where}.{key}: leads must be one of {LEADS}")
    transition = raw.pop("transition", "")
    if transition and not callable(getattr(model, transition, None)):
        raise ImproperlyConfigured(f"{where}.{key}: {model.__name__} has no transition {transition!r}")
    try:
        return DecisionSpec(key=key, leads=leads, transition=transition, parts=parts, **raw)
    except TypeError as error:
        raise ImproperlyConfigured(f"{where}.{key}: {error}") from None


def _stage(key: str, raw: dict, messages: dict) -> Stage:
    where = f"stages.{key}"
    raw = dict(raw)
    raw.pop("after", None)
    subject = raw.get("subject")
    if subject not in SUBJECTS:
        raise ImproperlyConfigured(f"{where}: unknown subject {subject!r}")
    model = SUBJECTS[subject].model
    if raw.get("role") not in Role.values:
        raise ImproperlyConfigured(f"{where}: unknown role {raw.get('role')!r}")
    decisions = {name: _decision(f"{where}.decisions", name, spec, model)
                 for name, spec in raw.pop("decisions", {}).items()}
    if not decisions:
        raise ImproperlyConfigured(f"{where}: no decisions")
    text = {**messages.get(subject, {}), **({"not_here": raw.pop("not_here")} if "not_here" in raw else {})}
    raw.setdefault("place", raw.get("office", ""))
    try:
        stage = Stage(key=key, decisions=decisions, messages=text, **raw)
    except TypeError as error:
        raise ImproperlyConfigured(f"{where}: {error}") from None
    for name in ("not_here", "unknown"):
        if name not in stage.messages:
            raise ImproperlyConfigured(f"{where}: no {name!r} message for subject {subject}")
    if stage.form not in FORMS:
        raise ImproperlyConfigured(f"{where}: form must be one of {FORMS}")
    if stage.decided_by and not all(d.part(stage.decided_by) for d in decisions.values()):
        raise ImproperlyConfigured(f"{where}: decided_by {stage.decided_by!r} must be a part of every decision")
    if stage.claims and not SUBJECTS[subject].claim_field:
        raise ImproperlyConfigured(f"{where}: {subject} cannot be claimed")
    if stage.skip_without and stage.skip_without not in SUBJECTS[subject].paths:
        raise ImproperlyConfigured(f"{where}: skip_without names no scope path of {subject}")
    return stage


def _order(raw_stages: dict) -> dict[str, tuple[str, ...]]:
    """Each subject's stages in declaration order, a stage with `after` moved behind the one it names."""
    order: dict[str, list[str]] = {}
    for key, raw in raw_stages.items():
        if "after" not in raw:
            order.setdefault(raw.get("subject"), []).append(key)
    for key, raw in raw_stages.items():
        if "after" in raw:
            keys = order.setdefault(raw.get("subject"), [])
            if raw["after"] not in keys:
                raise ImproperlyConfigured(f"stages.{key}: after names no stage of {raw.get('subject')}")
            keys.insert(keys.index(raw["after"]) + 1, key)
    return {subject: tuple(keys) for subject, keys in order.items()}


def _desk(key: str, raw: dict, stages: dict[str, Stage]) -> Desk:
    where = f"desks.{key}"
    raw = dict(raw)
    tabs = []
    for spec in raw.pop("tabs", []):
        unknown = set(spec) - TAB_FILTERS
        if unknown:
            raise ImproperlyConfigured(f"{where}: unknown tab filters {sorted(unknown)}")
        named = [*spec.get("at", ()), *spec.get("not_at", ()), *spec.get("decided", ())]
        if any(name not in stages for name in named):
            raise ImproperlyConfigured(f"{where}: tab {spec.get('key')} names an unknown stage")
        if spec.get("claimed", "") not in ("", "me", "nobody"):
            raise ImproperlyConfigured(f"{where}: tab {spec.get('key')}: claimed is 'me' or 'nobody'")
        tabs.append(Tab(**{name: tuple(value) if isinstance(value, list) else value for name, value in spec.items()}))
    links = tuple(Link(**link) for link in raw.pop("links", []))
    desk = Desk(key=key, tabs=tuple(tabs), links=links, stages=tuple(raw.pop("stages", ())),
                sees=tuple(raw.pop("sees", ())), **raw)
    if not desk.tabs:
        raise ImproperlyConfigured(f"{where}: no tabs")
    for name in desk.stages:
        if name not in stages or stages[name].subject != desk.subject or stages[name].role != desk.role:
            raise ImproperlyConfigured(
                f"{where}: stage {name!r} is not one of the {desk.subject} stages of role {desk.role}")
    return desk


def build(raw: dict) -> Stages:
    stages = {key: _stage(key, spec, raw.get("messages", {})) for key, spec in raw.get("stages", {}).items()}
    desks = {key: _desk(key, spec, stages) for key, spec in raw.get("desks", {}).items()}
    for key in stages:
        holding = [d.key for d in desks.values() if key in d.stages]
        if len(holding) > 1:
            raise ImproperlyConfigured(f"stages.{key}: on more than one desk ({', '.join(holding)})")
        if stages[key].subject == "application" and not holding:
            raise ImproperlyConfigured(f"stages.{key}: an application stage needs a desk")
    for desk in desks.values():
        actions = [action for key in desk.stages for action in stages[key].actions()]
        if len(actions) != len(set(actions)):
            raise ImproperlyConfigured(f"desks.{desk.key}: two of its stages' forms post the same action")
    return Stages(stages=stages, desks=desks, order=_order(raw.get("stages", {})))



def load(paths=()) -> Stages:
    with BASE.open("rb") as fh:
        raw = tomllib.load(fh)
    for path in paths:
        with Path(path).open("rb") as fh:
            raw = _merge(raw, tomllib.load(fh))
    return build(raw)


# Declaration files of apps above the engine (publicity's additions to the bureau's confirmation), registered from
# their AppConfig.ready(): merged after the base file and before the province's REVIEW_STAGE_OVERRIDES.
REGISTERED: list[Path] = []


def declarations_register(path) -> None:
    """An app above the engine adds its declarations (a TOML file in the format of stages.toml)."""
    if Path(path) not in REGISTERED:
        REGISTERED.append(Path(path))
        stages.cache_clear()


@functools.cache
def stages() -> Stages:
    return load([*REGISTERED, *getattr(settings, "REVIEW_STAGE_OVERRIDES", [])])


def reset() -> None:
    """Forget the loaded stages (tests that change REVIEW_STAGE_OVERRIDES call this)."""
    stages.cache_clear()
