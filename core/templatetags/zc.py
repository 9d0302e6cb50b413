from django import template

from core.masking import mask_id_number, mask_phone
from core.paging import PAGE_SIZES, PAGING_KEYS

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



@register.inclusion_tag("includes/page_size.html", takes_context=True)
def page_size_picker(context, current: int):
    """每页 10/20/50/100 条: a GET form that keeps the list's filters and starts again from the first page."""
    request = context["request"]
    keep = [(key, value) for key, values in request.GET.lists() if key not in PAGING_KEYS for value in values]
    sizes = sorted({*PAGE_SIZES, current})
    return {"sizes": sizes, "current": current, "keep": keep}


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The page's querystring with `changes` (None or "" drops the key), for links that keep a list's filters and
    page size. Always starts with "?": unlike Django 5.2's {% querystring %}, an empty result still links to the
    bare list rather than to the current URL."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()
