"""The account's "Privacidad" page: the consents on record, marketing e-mails on or off, the
download of what the store holds about the customer, ARCO requests (filed here, answered by staff)
and closing the account (Ley 29733)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import ratelimit
from core.ratelimit import client_ip
from legal.selectors import consents_for, marketing_opted_in
from legal.services import consent_marketing_set
from privacy.forms import AccountCloseForm, ArcoRequestForm
from privacy.selectors import requests_for_customer
from privacy.services import PrivacyError, account_close, arco_request_file

from .personal_data import personal_data

CLOSE_ACTION = "account_close"


def _page(request, *, arco_form=None, close_form=None, status=200):
    return render(
        request,
        "storefront/privacy.html",
        {
            "consents": consents_for(user=request.user),
            "marketing": marketing_opted_in(user=request.user),
            "arco_requests": requests_for_customer(user=request.user),
            "arco_form": arco_form or ArcoRequestForm(),
            "close_form": close_form or AccountCloseForm(user=request.user),
        },
        status=status,
    )


@login_required
@require_GET
def privacy(request):
    return _page(request)


@login_required
@require_POST
def privacy_arco(request):
    form = ArcoRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, arco_form=form, status=400)
    try:
        filed = arco_request_file(
            kind=form.cleaned_data["kind"], detail=form.cleaned_data["detail"], email="", customer=request.user
        )
    except PrivacyError as error:
        form.add_error(None, str(error))
        return _page(request, arco_form=form, status=400)
    messages.success(
        request,
        _("We received your request %(number)s; we will answer it by %(date)s.")
        % {"number": filed.number, "date": filed.due_on.strftime("%d/%m/%Y")},
    )
    return redirect("storefront:privacy")


@login_required
@require_POST
def privacy_close(request):
    # The password is checked here, so guesses from a session left open are limited as at sign-in,
    # failing closed while Redis (the counters) is away.
    if not ratelimit.consume(
        request,
        action=CLOSE_ACTION,
        rates=settings.ACCOUNT_CLOSE_RATE_LIMIT,
        key=str(request.user.pk),
        fail_closed=True,
    ):
        return render(request, "429.html", status=429)
    form = AccountCloseForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, close_form=form, status=400)
    try:
        account_close(user=request.user, actor=request.user)
    except PrivacyError as error:
        form.add_error(None, str(error))
        return _page(request, close_form=form, status=400)
    logout(request)
    messages.success(request, _("Your account is closed. Thank you for having been with us."))
    return redirect("/")


@login_required
@require_POST
def privacy_marketing(request):
    granted = request.POST.get("marketing") == "on"
    consent_marketing_set(user=request.user, granted=granted, ip=client_ip(request))
    messages.success(
        request,
        _("You will receive our offers by e-mail.") if granted else _("Done: we will not send you offers by e-mail."),
    )
    return redirect("storefront:privacy")


@login_required
@require_GET
def privacy_export(request):
    body = json.dumps(personal_data(user=request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"mis-datos-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
