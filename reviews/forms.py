from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX, TITLE_MAX

RATING_CHOICES = [
    (5, _("5 stars: excellent")),
    (4, _("4 stars: good")),
    (3, _("3 stars: fair")),
    (2, _("2 stars: poor")),
    (1, _("1 star: bad")),
]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Choose a rating from 1 to 5 stars."),
            "required": _("Choose a rating from 1 to 5 stars."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("Sum it up in a few words")}),
    )
    body = forms.CharField(
        label=_("Your review"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("What did you like or dislike? How do you use it?")}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejecting"), max_length=255)
