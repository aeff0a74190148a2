"""The account's "Privacidad" page: the consents on record, marketing e-mails on or off, and the
download of what the store holds about the customer (ARCO rights, Ley 29733)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.ratelimit import client_ip
from legal.selectors import consents_for, marketing_opted_in
from legal.services import consent_marketing_set

from .personal_data import personal_data


@login_required
@require_GET
def privacy(request):
    return render(
        request,
        "storefront/privacy.html",
        {
            "consents": consents_for(user=request.user),
            "marketing": marketing_opted_in(user=request.user),
        },
    )


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
