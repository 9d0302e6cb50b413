from django import template

from core.masking import mask_id_number, mask_phone

register = template.Library()


@register.filter
def mask_id(value):
    return mask_id_number(value)


@register.filter
def mask_tel(value):
    return mask_phone(value)


@register.filter
def at(sequence, index):
    """sequence[index], for walking two parallel lists in a template (a row's cells and the type's columns)."""
    return sequence[index]


@register.simple_tag
def bs_widget(field, **attrs):
    """Render a bound field's widget with Bootstrap classes and `is-invalid` when it has errors.

    Template keyword names cannot contain hyphens, so `data_derive_id="1"` renders as `data-derive-id="1"`
    (likewise for `aria_*`)."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type == "checkbox":
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__ in ("Select", "SelectMultiple"):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {_html_attr(name): value for name, value in attrs.items()}
    merged = {"class": css, **attrs}
    if field.field.required and input_type != "hidden":
        merged.setdefault("aria-required", "true")
    return field.as_widget(attrs=merged)


def _html_attr(name: str) -> str:
    if name.startswith(("data_", "aria_")):
        return name.replace("_", "-")
    return name

