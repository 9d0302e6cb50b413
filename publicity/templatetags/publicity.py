"""{% publicity_panel application %} on the applicant's application page: the publicity period of her result and
the outcome of any objection to it, never the objector's identity."""

from django import template

from publicity.selectors import entry_of

register = template.Library()


@register.inclusion_tag("publicity/_panel.html")
def publicity_panel(application):
    entry = entry_of(application) if application.status in ("passed", "confirmed", "failed") else None
    return {"entry": entry, "objections": list(entry.objections.all()) if entry else []}
