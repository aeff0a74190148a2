"""The shopper's store credit page and the public gift card balance page (thin: the selectors
read, the templates show)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import GiftCardBalanceForm
from .limits import gift_card_attempt_allowed
from .selectors import credits_for_customer, gift_card_for_code
from .services.gift_cards import gift_card_code_normalize


@login_required
@require_http_methods(["GET"])
def credit_list(request):
    return render(request, "credit/list.html", {"credits": list(credits_for_customer(user=request.user))})


@require_http_methods(["GET", "POST"])
def gift_card_balance(request):
    """Anyone with a code sees its balance and expiry (never its history: the orders it paid are
    other people's). A code that is not found counts against the guessing limit."""
    form = GiftCardBalanceForm(request.POST or None)
    card, status = None, 200
    if request.method == "POST" and form.is_valid():
        if not gift_card_attempt_allowed(request, record=False):
            form.add_error(None, _("Too many gift card codes tried. Wait a few minutes and try again."))
            status = 429
        else:
            card = gift_card_for_code(gift_card_code_normalize(form.cleaned_data["code"]))
            if card is None or card.status == card.Status.PENDING:
                card = None
                gift_card_attempt_allowed(request, record=True)
                form.add_error("code", _("That gift card code does not exist. Check it and try again."))
    response = render(request, "credit/gift_card_balance.html", {"form": form, "card": card}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
