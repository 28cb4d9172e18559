from django import forms


class SharingForm(forms.Form):
    shares_indicators = forms.BooleanField(
        label="Our indicators take part in comparisons between partnerships",
        help_text="The national programme lead then sees our figures beside other partnerships' "
        "on funnel plots: figures only, never a person or a record, and nothing drawn from "
        "fewer than 5 people.",
        required=False,
    )
