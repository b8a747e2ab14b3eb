from django import forms

from siae_portal.forms import EmptyChoiceMixin

from ..models import FollowUp


class FollowUpForm(EmptyChoiceMixin, forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["decision", "next_date", "shared_with_structure"]
        widgets = {
            "decision": forms.Textarea(attrs={"rows": 2}),
            "next_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
