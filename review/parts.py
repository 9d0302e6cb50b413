"""Requirement parts: what a decision needs besides the decision itself (an opinion, attachments, the sections to
correct, a publicity proof, a vacancy, an acceptance date, a committee's counts…).

A part is a small class in the plain registry PARTS, named by the stage declarations (review/stages.toml). It
brings its form fields (`fields`, rendered by its `template`), its rule (`problems`: Chinese messages by field,
used both by the form, next to the field, and by the engine, which refuses with the first one), and its step
inside the decision's transaction (`apply`: take a vacancy, store the counts on the decision row, add the
files). The generic parts live here; records' in review.records, applications' in applications.chain_parts,
registered when their app is ready.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms

from core.uploads import check_uploads
from dossier.catalogue import EvidenceSpec

from .subjects import subject_type_for

PARTS: dict[str, type[Part]] = {}


def part_register(cls: type[Part]) -> type[Part]:
    """Add a part to the registry under its `key` (a class decorator)."""
    PARTS[cls.key] = cls
    return cls


@dataclass
class Act:
    """One decision in the making, as the engine hands it to the parts: the locked subject, what was entered
    (`data`: a form's cleaned data or a caller's values), and what the decision will write (the flow's opinion
    and files, the decision row's typed fields)."""

    actor: Any
    stage: Any  # review.stages.Stage
    decision: Any  # review.stages.DecisionSpec
    subject: Any
    subject_type: Any  # review.subjects.SubjectType
    data: dict
    opinion: str = ""
    files: list = field(default_factory=list)  # [(label, CheckedFile)] kept with the flow entry
    row: dict = field(default_factory=dict)  # typed fields of the Decision row

    def refuse(self, message: str):
        raise self.subject_type.error(message)


class Part:
    """The base: no fields, no rule, no step. `need` is "required" or "optional" for the decision declaring it;
    the other options come from the declaration (a label, a message) and are the class's OPTIONS only."""

    key: ClassVar[str] = ""
    template: ClassVar[str] = "review/parts/fields.html"  # renders its fields in a decision form (each as is)
    OPTIONS: ClassVar[dict[str, Any]] = {}
    unprefixed: ClassVar[tuple[str, ...]] = ()  # fields named as they are whatever the form's prefix (uploads)
    shows_form_errors: ClassVar[bool] = False  # its template shows the form's errors about several fields

    def __init__(self, *, need: str, **options):
        unknown = set(options) - set(self.OPTIONS)
        if unknown:
            raise TypeError(f"unknown options {sorted(unknown)}")
        self.need = need
        self.options = {**self.OPTIONS, **options}

    @property
    def required(self) -> bool:
        return self.need == "required"

    def applies(self, subject) -> bool:
        """Whether the part asks anything of this subject (a vacancy is asked of public institutions only)."""
        return True

    def fields(self, subject) -> dict[str, forms.Field]:
        return {}

    def initial(self, subject) -> dict:
        return {}

    def context(self, subject) -> dict:
        """What its template shows besides the fields."""
        return {}

    def clean(self, form, data: dict, subject) -> None:
        """A form's check: the messages of `problems` by their fields. A part may first turn what the form holds
        into the values the engine reads (data is the form's cleaned data)."""
        for name, message in self.problems(data, subject):
            form.add_error(name if name in form.fields else None, message)

    def problems(self, data: dict, subject) -> list[tuple[str, str]]:
        """What stops the decision, as (field, Chinese message), first one first."""
        return []

    def check(self, act: Act) -> None:
        """Inside the transaction, on the locked subject: refuse with the first problem."""
        for _name, message in self.problems(act.data, act.subject):
            act.refuse(message)

    def apply(self, act: Act) -> None:
        """Inside the transaction, once every part has passed its check."""

    def choose(self, act: Act) -> str | None:
        """A deciding part (a stage's `decided_by`): the decision that follows from what was entered."""
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Several files under one name; checked by their part (dossier.evidence), so the field itself takes any."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [f for f in files if f]


def uploads(data: dict, name: str, spec: EvidenceSpec) -> tuple[list, list[str]]:
    """The files entered under `name`: already checked (a caller's CheckedFile list) or uploads to check."""
    given = list(data.get(name) or [])
    if all(hasattr(f, "upload") for f in given):
        return given, []
    return check_uploads(given, spec, existing=0)


@part_register
class Opinion(Part):
    """审核意见: required with its own message (退回时…), or optional. The engine keeps it stripped."""

    key = "opinion"
    OPTIONS = {"label": "审核意见", "message": "请填写审核意见。", "max_length": 1000, "rows": 3,
               "help": "", "placeholder": ""}

    def fields(self, subject):
        attrs = {"rows": self.options["rows"]}
        if self.options["placeholder"]:
            attrs["placeholder"] = self.options["placeholder"]
        return {"opinion": forms.CharField(
            label=self.options["label"], required=False, max_length=self.options["max_length"],
            widget=forms.Textarea(attrs=attrs), help_text=self.options["help"],
            error_messages={"max_length": f"{self.options['label']}不能超过{self.options['max_length']}字。"})}

    def problems(self, data, subject):
        if self.required and not (data.get("opinion") or "").strip():
            return [("opinion", self.options["message"])]
        return []


ATTACHMENT = EvidenceSpec(types=("jpg", "jpeg", "png", "pdf", "doc", "docx"), max_mb=10, max_count=3,
                          required=False, key="attachment", label="附件",
                          help="选填：推荐意见扫描件、退回说明等，至多3个")


@part_register
class Attachments(Part):
    """附件 kept with the decision's flow entry, under the declared label (推荐意见附件, 附件)."""

    key = "attachments"
    template = "review/parts/attachments.html"
    OPTIONS = {"label": "附件"}
    unprefixed = ("attachment",)

    def fields(self, subject):
        return {"attachment": UploadsField(label="附件", help_text=ATTACHMENT.help)}

    def context(self, subject):
        return {"attachment_spec": ATTACHMENT}

    def problems(self, data, subject):
        _files, errors = uploads(data, "attachment", ATTACHMENT)
        problems = [("attachment", error) for error in errors]
        if self.required and not data.get("attachment"):
            problems.append(("attachment", "请上传附件。"))
        return problems

    def apply(self, act):
        files, _errors = uploads(act.data, "attachment", ATTACHMENT)
        act.files += [(self.options["label"], f) for f in files]


@part_register
class ReturnSections(Part):
    """需修改的栏目: the sections the applicant is to correct, named in the opinion and kept on the row."""

    key = "return_sections"
    template = "review/parts/return_sections.html"

    def fields(self, subject):
        return {"return_sections": forms.MultipleChoiceField(
            label="需修改的栏目", required=False, widget=forms.CheckboxSelectMultiple,
            choices=subject_type_for(subject).return_choices(subject))}

    def problems(self, data, subject):
        if self.required and not data.get("return_sections"):
            return [("return_sections", "请选择需修改的栏目。")]
        return []

    def apply(self, act):
        labels = dict(act.subject_type.return_choices(act.subject))
        picked = [key for key in act.data.get("return_sections") or [] if key in labels]
        act.row["return_sections"] = picked
        if picked:
            act.opinion = f"需修改的栏目：{'、'.join(labels[key] for key in picked)}。{act.opinion}"
