"""Forms built from the catalogue: one form class per kind, generated, never written by hand."""

import datetime
import decimal
import itertools
import re

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from stdnum import isbn, issn

from .catalogue import FieldSpec, KindSpec

YEAR_MIN = 1950


class SuggestInput(forms.TextInput):
    """A text input with a <datalist> of common values: the browser offers them while typing, any text is kept."""

    def __init__(self, suggestions, attrs=None):
        super().__init__(attrs)
        self.suggestions = tuple(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or name}-suggestions"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}"></option>', ((s,) for s in self.suggestions))
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)


def _form_field(spec: FieldSpec) -> forms.Field:
    common = {"label": spec.label, "required": False, "help_text": spec.help}
    match spec.type:
        case "text" if spec.suggestions:
            return forms.CharField(max_length=spec.max_length or 200, widget=SuggestInput(spec.suggestions), **common)
        case "text":
            return forms.CharField(max_length=spec.max_length or 200, **common)
        case "textarea":
            return forms.CharField(
                max_length=spec.max_length or 2000, widget=forms.Textarea(attrs={"rows": 3}), **common
            )
        case "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
        case "year":
            this_year = datetime.date.today().year
            return forms.IntegerField(
                min_value=YEAR_MIN, max_value=this_year + 1,
                widget=forms.NumberInput(attrs={"placeholder": "如：2024"}), **common,
            )
        case "int":
            return forms.IntegerField(
                min_value=int(spec.min) if spec.min is not None else None,
                max_value=int(spec.max) if spec.max is not None else None, **common,
            )
        case "decimal":
            return forms.DecimalField(
                max_digits=14, decimal_places=2,
                min_value=decimal.Decimal(str(spec.min)) if spec.min is not None else None,
                max_value=decimal.Decimal(str(spec.max)) if spec.max is not None else None, **common,
            )
        case "choice" if spec.searchable:
            return forms.ChoiceField(choices=[("", "请选择")] + [(c, c) for c in spec.choices],
                                     widget=SuggestInput(spec.choices, attrs={"placeholder": "输入文字查找"}), **common)
        case "choice":
            return forms.ChoiceField(choices=[("", "请选择")] + [(c, c) for c in spec.choices], **common)
        case "multichoice":
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in spec.choices], widget=forms.CheckboxSelectMultiple, **common
            )
        case "bool":
            return forms.BooleanField(**common)
    raise ValueError(spec.type)


_MESSAGES = {
    "invalid": "{label}格式不正确。",
    "invalid_choice": "请从列表中选择{label}。",
    "max_length": "{label}不能超过{n}个字。",
    "min_value": "{label}不能小于%(limit_value)s。",
    "max_value": "{label}不能大于%(limit_value)s。",
    "max_digits": "{label}数值过大。",
    "max_decimal_places": "{label}最多保留两位小数。",
}


# Named formats a field may declare (`pattern = "..."`), with the message shown when a value does not match.
PATTERNS = {
    "journal_number": (
        re.compile(r"^(ISSN\s?\d{4}-\d{3}[\dX]|CN\s?\d{2}-\d{4}/[A-Z0-9]{1,4}|ISBN[\s:]?[\d-]{10,17}X?)$", re.I),
        "期刊号格式应为 ISSN xxxx-xxxx、CN xx-xxxx/xx 或 ISBN。",
    ),
    "issn": (re.compile(r"^(ISSN\s?)?\d{4}-?\d{3}[\dX]$", re.I), "ISSN 格式应为 xxxx-xxxx，如 ISSN 2095-882X。"),
    "cn_serial": (re.compile(r"^(CN\s?)?\d{2}-\d{4}/[A-Z0-9]{1,4}$", re.I),
                  "国内统一刊号格式应为 CN xx-xxxx/xx，如 CN 11-2120/TU。"),
    "isbn": (re.compile(r"^(ISBN[\s:]?)?([\d-]{9,16}[\dX])$", re.I), "书号应为10位或13位 ISBN，如 978-7-114-12345-0。"),
    "patent_number": (re.compile(r"^ZL\s?\d{8,12}\.?[\dX]$", re.I), "专利号格式应为 ZL 加数字，如 ZL202310123456.7。"),
    "digits": (re.compile(r"^\d+$"), "只能填写数字。"),
}
ISSN_CHECK = "ISSN 校验位不正确，请核对后重新输入。"
ISBN_CHECK = "ISBN 校验位不正确，请核对后重新输入。"
ISBN_LENGTH = "ISBN 应为10位或13位（不计连字符）。"


def pattern_error(name: str, value) -> str:
    """The message for a value that does not have the named format (`pattern = "..."`), or "" when it has it.
    ISSN and ISBN are checked to their check digit (python-stdnum); a CN number has none."""
    text = str(value).strip()
    regex, message = PATTERNS[name]
    if not regex.match(text):
        return message
    number = re.sub(r"^(ISSN|ISBN|CN)[\s:]?", "", text, flags=re.I)
    if name == "issn" or (name == "journal_number" and text[:4].upper() == "ISSN"):
        return "" if issn.is_valid(number) else ISSN_CHECK
    if name == "isbn" or (name == "journal_number" and text[:4].upper() == "ISBN"):
        if len(isbn.compact(number)) not in (10, 13):
            return ISBN_LENGTH
        return "" if isbn.is_valid(number) else ISBN_CHECK
    return ""


def pattern_normal(name: str, value: str) -> str:
    """A value of the named format as it is stored: "ISSN 2095-882X", "CN 11-2120/TU", "ISBN 978-7-…" (the
    application's 期刊号 accepts these as they are, so a picked paper fills it without retyping)."""
    text = str(value).strip()
    number = re.sub(r"^(ISSN|ISBN|CN)[\s:]?", "", text, flags=re.I).strip()
    if name == "issn":
        return f"ISSN {issn.format(number)}"
    if name == "cn_serial":
        return f"CN {number.upper()}"
    if name == "isbn":
        return f"ISBN {isbn.format(number)}"
    return text


class RecordFormBase(forms.Form):
    """A form generated from field declarations: a record's fields, or a child list's (病案, 参考文献)."""

    specs: tuple[FieldSpec, ...]
    kind: KindSpec | None = None

    def __init__(self, *args, unit_name: str = "", partial: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_name = unit_name
        # partial: 保存 at any time (application sections); what is required is checked at submission instead.
        self.partial = partial
        for spec in self.specs:
            field = self.fields[spec.key]
            for code, text in _MESSAGES.items():
                # Django %-formats every message but "invalid" with the validator's params, so a label such as
                # "查重率(%)" must have its "%" doubled there.
                label = spec.label if code == "invalid" else spec.label.replace("%", "%%")
                field.error_messages[code] = text.format(label=label, n=spec.max_length or "")
            if spec.required and partial:
                field.widget.attrs["zc_required"] = "1"
            elif spec.required and not spec.show_if and not (spec.fill and self.unit_name):
                field.required = True
                field.error_messages["required"] = (
                    f"请选择{spec.label}。" if spec.type in ("choice", "multichoice") else f"请填写{spec.label}。"
                )
            if spec.fill == "unit_name" and self.unit_name:
                field.disabled = True
                field.initial = self.unit_name
                field.help_text = "由绑定的工作单位自动填写"
            if spec.lock_if:  # read-only while its rule holds (static/js/dossier.js disables it)
                field.widget.attrs["data-lock-if"] = spec.lock_if["field"]
                for key in ("equals", "in"):
                    if key in spec.lock_if:
                        value = spec.lock_if[key]
                        field.widget.attrs[f"data-lock-{key}"] = "|".join(value) if key == "in" else value
            if spec.echo:
                field.disabled = True
                field.widget.attrs["data-echo"] = spec.echo
            # Conditional fields tell the page which field controls them (static/js/dossier.js).
            if spec.show_if:
                field.widget.attrs["data-show-if"] = spec.show_if["field"]
                if "in" in spec.show_if:
                    field.widget.attrs["data-show-in"] = "|".join(spec.show_if["in"])
                for key in ("equals", "not_equals", "filled"):
                    if key in spec.show_if:
                        value = spec.show_if[key]
                        field.widget.attrs[f"data-show-{key.replace('_', '-')}"] = (
                            str(value).lower() if isinstance(value, bool) else value)

    def clean(self):
        cleaned = super().clean()
        raw = {k: v for k, v in cleaned.items()}
        by_key = {spec.key: spec for spec in self.specs}
        today = datetime.date.today()
        for spec in self.specs:
            if spec.fill == "unit_name" and self.unit_name:
                cleaned[spec.key] = self.unit_name
            value = cleaned.get(spec.key)
            if not spec.visible(raw) or spec.locked(raw):
                cleaned[spec.key] = None  # a hidden conditional field keeps no value, and no error
                self.errors.pop(spec.key, None)
                continue
            empty = value in (None, "", []) or (spec.type == "bool" and value is None)
            if spec.required and empty and spec.key not in self.errors and not self.partial:
                verb = "请选择" if spec.type in ("choice", "multichoice") else "请填写"
                self.add_error(spec.key, f"{verb}{spec.label}。")
            if spec.pattern and value and (problem := pattern_error(spec.pattern, value)):
                self.add_error(spec.key, f"{spec.label}：{problem}")
            elif spec.pattern and value:
                cleaned[spec.key] = pattern_normal(spec.pattern, value)
            if spec.not_future and isinstance(value, datetime.date) and value > today:
                self.add_error(spec.key, f"{spec.label}不能晚于今天。")
            if spec.not_before and value and cleaned.get(spec.not_before) and value < cleaned[spec.not_before]:
                other = by_key[spec.not_before]
                self.add_error(spec.key, f"{spec.label}不能早于{other.label}。")
            if spec.not_above and value and cleaned.get(spec.not_above) and value > cleaned[spec.not_above]:
                other = by_key[spec.not_above]
                self.add_error(spec.key, f"{spec.label}不能大于{other.label}。")
        return cleaned

    def record_data(self) -> dict:
        """The cleaned values as JSON-ready data (dates as ISO strings, decimals as strings)."""
        return {spec.key: _json_value(self.cleaned_data.get(spec.key)) for spec in self.specs}


def _json_value(value):
    """A cleaned value as record data keeps it: dates as ISO strings, decimals as strings, "" as None."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return None if value == "" else value


_FORM_CLASSES: dict[tuple[str, int], type[RecordFormBase]] = {}


def spec_form_class(specs: tuple[FieldSpec, ...], name: str, kind: KindSpec | None = None) -> type[RecordFormBase]:
    """The generated form class for a tuple of field declarations, built once per catalogue object."""
    cache_key = (name, id(specs))
    if cache_key not in _FORM_CLASSES:
        attrs = {spec.key: _form_field(spec) for spec in specs}
        attrs["specs"] = specs
        attrs["kind"] = kind
        class_name = "".join(part.title() for part in name.replace(".", "_").split("_")) + "Form"
        _FORM_CLASSES[cache_key] = type(class_name, (RecordFormBase,), attrs)
    return _FORM_CLASSES[cache_key]


def record_form_class(kind: KindSpec) -> type[RecordFormBase]:
    return spec_form_class(kind.fields, kind.key, kind)


def item_form(child, *, data=None, initial=None, prefix=None) -> RecordFormBase:
    """The form of one child-list row (a 病案, a 参考文献)."""
    return spec_form_class(child.fields, f"item_{child.key}")(data=data, initial=initial, prefix=prefix)


def record_form(kind: KindSpec, *, unit_name: str = "", data=None, initial=None) -> RecordFormBase:
    return record_form_class(kind)(data=data, initial=initial, unit_name=unit_name)


class EvidenceUploadForm(forms.Form):
    """Multiple files in one input; each is checked by core.uploads against the kind's rules."""

    files = forms.FileField(required=False)


# Fields whose clean() depends on the value alone (and the field's fixed settings), returning an immutable value:
# the same cell text always gives the same result, so an import may remember it per column.
_PURE_FIELDS = (forms.CharField, forms.ChoiceField, forms.DateField, forms.IntegerField, forms.DecimalField,
                forms.BooleanField)


def _columns(form: RecordFormBase) -> list[tuple]:
    """(name, field, widget reader, memo) per field of the form; memo for a field whose clean() depends on the
    value alone."""
    return [(name, field, field.widget.value_from_datadict, {} if type(field) in _PURE_FIELDS else None)
            for name, field in form.fields.items()]


_NO = object()  # the JSON value of a cell that the form would not pass as it is
_REFUSED = (_NO, _NO)
_ROWS_AT_ONCE = 500  # rows taken column by column before they are yielded one by one
_CHAR_VALIDATORS = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_tried_first(field: forms.DateField) -> bool:
    """Whether a YYYY-MM-DD value reaches the "%Y-%m-%d" input format: each format before it has a literal
    character other than digits and "-", which strptime must find in the value."""
    formats = list(field.input_formats)
    if "%Y-%m-%d" not in formats:
        return False
    return all(set(re.sub("%.", "", f)) - set("0123456789-") for f in formats[:formats.index("%Y-%m-%d")])


def _empty(spec: FieldSpec, value) -> bool:
    """RecordFormBase.clean()'s notion of an empty value."""
    return value in (None, "", []) or (spec.type == "bool" and value is None)


class _PassingRows:
    """Recognises the rows a form passes without running it, column by column: each distinct cell's clean()
    result remembered per column together with RecordFormBase.clean()'s rules on that value alone (required,
    pattern, not_future), then its rules across fields (conditional fields, not_before, not_above) checked on
    the row's results.

    It only ever says "this row passes, with this data". Every rule is checked at least as strictly as the
    form checks it, so a row it is unsure of (a failing cell, a hidden field, a date that may be compared with
    a cleared one) goes to the form, which alone words the errors."""

    def __init__(self, form: "RecordFormBase", columns: list[tuple]):
        self.today = datetime.date.today()
        by_key = {spec.key: spec for spec in form.specs}
        self.columns = []
        for name, field, read, memo in columns:
            spec = by_key[name]
            # Plain inputs read data.get(name); other widgets (check boxes, multiple choices) are asked.
            plain = type(field.widget).value_from_datadict is forms.Widget.value_from_datadict
            self.columns.append((name, field, None if plain else read, {} if memo is not None else None, spec,
                                 self._shortcut(field, spec)))
        self.across = [spec for spec in form.specs if spec.show_if or spec.not_before or spec.not_above]

    @staticmethod
    def applies(form: "RecordFormBase") -> bool:
        """Whether the form's own rules are RecordFormBase's, over exactly its declared fields, each cleaned by
        its field alone (no clean_<name>(), files or disabled fields), its data unprefixed and required."""
        cls = type(form)
        return (cls.clean is RecordFormBase.clean and cls.record_data is RecordFormBase.record_data
                and not isinstance(form, forms.BaseModelForm) and not form.prefix and not form.empty_permitted
                and list(form.fields) == [spec.key for spec in form.specs]
                and not any(field.disabled or isinstance(field, forms.FileField) or hasattr(form, f"clean_{name}")
                            for name, field in form.fields.items()))

    def _shortcut(self, field: forms.Field, spec: FieldSpec):
        """A quick clean() of a string cell for the two most common fields, returning (cleaned, JSON value) or
        None when it cannot tell (the cell then goes through the field's own clean()). It answers only for
        values whose outcome is evident from Django's code:
        - CharField (strip, max-length and null-character validators only): `value.strip()` when that is not
          empty, not longer than the limit and holds no NUL;
        - DateField (no validators): a YYYY-MM-DD date, when every input format tried before "%Y-%m-%d" needs
          a character such a value does not have (the "/" of "%Y/%m/%d"), and it is not in the future when
          the field must not be."""
        if spec.pattern:
            return None
        if (type(field) is forms.CharField and field.strip and field.min_length is None
                and field.max_length is not None and all(type(v) in _CHAR_VALIDATORS for v in field.validators)):
            limit = field.max_length

            def text(value: str):
                text = value.strip()
                return (text, text) if text and len(text) <= limit and "\x00" not in text else None

            return text
        if type(field) is forms.DateField and not field.validators and _iso_tried_first(field):
            latest = self.today if spec.not_future else datetime.date.max

            def date(value: str):
                if _ISO_DATE.fullmatch(value):
                    try:
                        day = datetime.date.fromisoformat(value)
                    except ValueError:
                        return None
                    return (day, value) if day <= latest else None
                return None

            return date
        return None

    def _cell(self, field: forms.Field, spec: FieldSpec, value) -> tuple:
        """(cleaned value, JSON value), or _REFUSED when the form would (or, if the field is shown, might)
        refuse it."""
        try:
            cleaned = field.clean(value)
        except ValidationError:
            return _REFUSED
        if spec.required and not spec.show_if and _empty(spec, cleaned):
            return _REFUSED
        if spec.pattern and cleaned and pattern_error(spec.pattern, cleaned):
            return _REFUSED
        if spec.not_future and isinstance(cleaned, datetime.date) and cleaned > self.today:
            return _REFUSED
        return cleaned, _json_value(cleaned)

    def _column(self, column: tuple, rows: list, files) -> list[tuple]:
        name, field, read, memo, spec, shortcut = column
        values = [row.get(name) for row in rows] if read is None else [read(row, files, name) for row in rows]
        if memo is None or not all(value.__class__ is str for value in values):
            return [self._cell(field, spec, value) for value in values]
        for value in set(values).difference(memo):
            memo[value] = (shortcut and shortcut(value)) or self._cell(field, spec, value)
        return [memo[value] for value in values]

    def rows(self, rows: list[dict], files) -> list[dict | None]:
        """Each row's record_data() if the form passes it, else None (ask the form)."""
        keys = [column[0] for column in self.columns]
        results = {key: self._column(column, rows, files) for key, column in zip(keys, self.columns)}
        passed = [None if _NO in values else dict(zip(keys, values))
                  for values in zip(*([json for _cleaned, json in results[key]] for key in keys))]
        for spec in self.across:
            value = [cleaned for cleaned, _json in results[spec.key]]
            control = spec.show_if and [cleaned for cleaned, _json in results[spec.show_if["field"]]]
            before = spec.not_before and [cleaned for cleaned, _json in results[spec.not_before]]
            above = spec.not_above and [cleaned for cleaned, _json in results[spec.not_above]]
            for i, data in enumerate(passed):
                if data is None:
                    continue
                if control and not spec.visible({spec.show_if["field"]: control[i]}):
                    data[spec.key] = None  # a hidden field keeps no value; clean() checks nothing else on it
                    continue
                # The form compares with the other field's value unless that one is cleared: always is stricter.
                if ((spec.required and _empty(spec, value[i]))
                        or (before and value[i] and before[i] and value[i] < before[i])
                        or (above and value[i] and above[i] and value[i] > above[i])):
                    passed[i] = None
        return passed


def validate_rows(form_class: type[RecordFormBase], rows, **kwargs):
    """Validate many rows as the page's form does (Excel imports). Rows recognised as passing (_PassingRows, a
    few hundred at a time) are not given to a form; each of the others is: a form of `form_class` bound to it,
    with the page's fields, messages and clean(). Yields (form, data or None) per row: a passing row's form is
    an unbound one (no errors)."""
    blank = form_class(**kwargs)
    passing = _PassingRows(blank, _columns(blank)) if _PassingRows.applies(blank) else None
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, _ROWS_AT_ONCE)):
        passed = passing.rows(chunk, None) if passing is not None else [None] * len(chunk)
        for values, data in zip(chunk, passed):
            if data is not None:
                yield blank, data
                continue
            form = form_class(data=values, **kwargs)
            yield form, (form.record_data() if form.is_valid() else None)
