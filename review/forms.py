"""A stage's decision forms, composed from the parts its decisions declare (review/stages.toml): no form class per
stage. Field errors are Chinese and shown by the field; the engine checks everything again."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from .stages import DecisionSpec, Stage


class DecisionForm(forms.Form):
    """The fields of `decisions` at `stage` for `subject`. With `choice`, the decision is a field of the form
    (审核结果) and each part is asked only when the chosen decision needs it; otherwise the form is one decision's
    (or, for a stage whose decision follows from what is entered, every decision's: they share their parts)."""

    def __init__(self, data=None, files=None, *, stage: Stage, decisions: list[DecisionSpec], subject,
                 choice: bool, prefix: str = ""):
        self.stage, self.decisions, self.subject, self.choice = stage, decisions, subject, choice
        self.parts = []
        for decision in decisions:
            for part in decision.parts:
                if part.applies(subject) and all(p.key != part.key for p in self.parts):
                    self.parts.append(part)
        self.unprefixed = {name for part in self.parts for name in part.unprefixed}
        super().__init__(data, files, prefix=prefix or None)
        if choice:
            unknown = stage.message("unknown")
            self.fields["decision"] = forms.ChoiceField(
                label="审核结果", widget=forms.RadioSelect, choices=[(d.key, d.label) for d in decisions],
                error_messages={"required": unknown, "invalid_choice": unknown})
        self.names: dict[str, list[str]] = {}  # each part's fields
        for part in self.parts:
            fields = part.fields(subject)
            self.names[part.key] = list(fields)
            self.fields.update(fields)
            for name, value in part.initial(subject).items():
                self.fields[name].initial = value

    def add_prefix(self, field_name):
        # Uploads keep their plain names (proof, attachment) whatever the form's prefix.
        return field_name if field_name in self.unprefixed else super().add_prefix(field_name)

    def chosen(self) -> DecisionSpec | None:
        if not self.choice:
            return self.decisions[0]
        key = self.cleaned_data.get("decision") if hasattr(self, "cleaned_data") else None
        return next((d for d in self.decisions if d.key == key), None)

    def clean(self):
        data = super().clean()
        decision = self.chosen()
        if decision is not None:
            for part in decision.parts:
                if part.applies(self.subject):
                    part.clean(self, data, self.subject)
        return data

    @property
    def shows_errors(self) -> bool:
        """Whether one of its parts shows the errors that concern several fields (else the form does)."""
        return any(part.shows_form_errors for part in self.parts)

    def decision_data(self) -> dict:
        """What the engine reads: the parts' values as the form cleaned them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "decision"}

    def groups(self) -> list[tuple[str, list[Block]]]:
        """The parts in form order, as (when, blocks): consecutive parts needed by the same decisions share one
        `when` (the decisions' keys when not all of them: the page shows the group once one of those is
        picked), each block with what its template needs besides the form."""
        groups: list[tuple[str, list[Block]]] = []
        for part in self.parts:
            if not self.names[part.key]:
                continue
            owners = [d.key for d in self.decisions if d.part(part.key)]
            when = " ".join(owners) if self.choice and len(owners) < len(self.decisions) else ""
            block = Block(template=part.template, context=part.context(self.subject), required=self._required(part),
                          fields=[self[name] for name in self.names[part.key]])
            if groups and groups[-1][0] == when:
                groups[-1][1].append(block)
            else:
                groups.append((when, [block]))
        return groups

    def _required(self, part) -> bool:
        """Whether every decision that asks the part requires it (the label then carries the asterisk)."""
        needs = [d.part(part.key).required for d in self.decisions if d.part(part.key)]
        return bool(needs) and all(needs)


@dataclass(frozen=True)
class Block:
    template: str
    context: dict
    required: bool
    fields: list  # its bound fields


@dataclass(frozen=True)
class ActionForm:
    """One form of the review page: the action it posts, its button and the form itself."""

    action: str
    stage: Stage
    decision: DecisionSpec | None  # None: a form whose decision is chosen in it or follows from it
    form: DecisionForm
    button: str
    testid: str
    prompt: str = ""
    style: str = "primary"


def action_forms(stage: Stage, subject, *, post=None, files=None, posted: str = "") -> list[ActionForm]:
    """The stage's forms as the review page offers them, the one whose action was `posted` bound to the POST."""
    def bound(action):
        return (post, files) if action == posted else (None, None)

    decisions = list(stage.decisions.values())
    if stage.form == "choice":
        form = DecisionForm(*bound("decide"), stage=stage, decisions=decisions, subject=subject, choice=True,
                            prefix=stage.prefix)
        return [ActionForm("decide", stage, None, form, stage.button or "提交审核结果", stage.testid or "decide")]
    if stage.form == "derived":
        form = DecisionForm(*bound(stage.action), stage=stage, decisions=decisions, subject=subject, choice=False,
                            prefix=stage.prefix)
        return [ActionForm(stage.action, stage, None, form, stage.button, stage.testid)]
    return [ActionForm(d.key, stage, d, DecisionForm(*bound(d.key), stage=stage, decisions=[d], subject=subject,
                                                     choice=False, prefix=d.prefix),
                       d.button or d.label, d.testid, d.prompt, d.style or "primary")
            for d in decisions]


def actions_of(stages: list[Stage]) -> dict[str, Stage]:
    """Which stage each posted action belongs to, over a desk's stages."""
    return {action: stage for stage in stages for action in stage.actions()}
