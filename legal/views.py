"""The policy pages: the current version, or an earlier published one (?version=N) for a shopper
who wants to read what they accepted."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import PolicyKind
from .text import blocks


@require_GET
def policy_page(request, kind: str):
    if kind not in PolicyKind.values:
        raise Http404
    current = selectors.policy_current(kind=kind)
    asked = request.GET.get("version", "")
    shown = current
    if asked:
        if not asked.isdigit() or len(asked) > 6:
            raise Http404
        shown = selectors.policy_published(kind=kind, version=int(asked))
    if shown is None:
        raise Http404
    return render(
        request,
        "legal/policy.html",
        {
            "policy": shown,
            "current": current,
            "blocks": blocks(shown.body),
            "kind_label": PolicyKind(kind).label,
            "is_old": current is not None and shown.pk != current.pk,
        },
    )
