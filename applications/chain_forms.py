"""Forms of the chain's pages that are not decisions (those are composed from their stage's parts: review.forms).
Field errors are Chinese and shown next to the field."""

from django import forms

from orgs.models import Unit

from .chain_parts import PROOF  # noqa: F401 — the publicity proof's upload rules, as callers check them


class DelegateForm(forms.Form):
    unit = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_unit(self):
        pk = self.cleaned_data.get("unit")
        unit = Unit.objects.filter(pk=pk).first() if pk else None
        if unit is None:
            raise forms.ValidationError("请从列表中选择受托单位。")
        return unit
