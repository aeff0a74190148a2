"""Favourites ("Mis favoritos"), their share link and the recently viewed strip. The hearts on
cards and product pages post here (htmx, or a plain form that comes back with a message)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.selectors import visible_products
from catalog.tree import catalog_tree

from . import selectors, services, shopper

MAX_FAVOURITES = 200  # bounds a guest's session, and a list meant to be read


def _back(request):
    # `next` is a path on this site or ignored, as the cart's forms do.
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("favourites:list")


def _answer(request, *, message: str, product_id: int | None = None, saved: bool | None = None, status: int = 200):
    """htmx: an empty answer whose HX-Trigger tells static/js/favourites.js the heart's state
    and what to announce; otherwise back where the shopper was, with the message."""
    if request.htmx:
        response = HttpResponse(status=status)
        response["HX-Trigger"] = json.dumps(
            {"favourite-changed": {"product": product_id, "saved": saved, "message": message, "error": status != 200}}
        )
        return response
    (messages.success if status == 200 else messages.error)(request, message)
    return _back(request)


def _wanted(raw: str | None) -> bool | None | str:
    """The `save` field: "1" save, "0" take out, absent toggle (a heart posted without JS, which
    cannot know its state on a cached page); anything else is refused."""
    return {"1": True, "0": False, None: None}.get(raw, "bad")


@require_POST
def toggle(request):
    wanted = _wanted(request.POST.get("save"))
    raw_id = request.POST.get("product", "")
    product = None
    if raw_id.isdigit() and wanted != "bad":
        product = visible_products(catalog_tree(request)).with_price_reveal().filter(pk=int(raw_id)).first()
    if product is None:
        return _answer(request, message=_("That product is not available any more."), status=404)
    saved = shopper.saved(request.session)
    if wanted is None:
        wanted = product.pk not in (selectors.account_saved(request.user) if request.user.is_authenticated else saved)
    if wanted and product.pk not in saved and len(saved) >= MAX_FAVOURITES:
        return _answer(
            request,
            message=_("Your favourites are full: take one out to save another."),
            product_id=product.pk,
            saved=False,
            status=400,
        )
    if request.user.is_authenticated:
        services.favourite_set(user=request.user, product=product, saved=wanted)
        saved = selectors.account_saved(request.user)
    elif wanted:
        saved.setdefault(product.pk, services.price_to_remember(product))
    else:
        saved.pop(product.pk, None)
    shopper.remember(request.session, saved)
    message = (_("%(name)s is in your favourites.") if wanted else _("%(name)s is no longer in your favourites.")) % {
        "name": product.name
    }
    return _answer(request, message=message, product_id=product.pk, saved=wanted)


@require_GET
def favourite_list(request):
    saved = selectors.account_saved(request.user) if request.user.is_authenticated else shopper.saved(request.session)
    context = {"rows": selectors.favourite_rows(saved=saved, tree=catalog_tree(request))}
    if request.user.is_authenticated:
        shopper.remember(request.session, saved)  # the hearts catch up with a change made on another device
        key = selectors.share_key(request.user)
        if key:
            context["share_url"] = request.build_absolute_uri(
                reverse("favourites:shared", args=[services.share_token(key)])
            )
    return render(request, "favourites/list.html", context)


@require_POST
@login_required
def share(request):
    services.favourite_share_enable(user=request.user)
    messages.success(request, _("Your list has a share link now: anyone with it can see the list, not change it."))
    return redirect("favourites:list")


@require_POST
@login_required
def share_revoke(request):
    if services.favourite_share_revoke(user=request.user):
        messages.success(request, _("The share link no longer works."))
    return redirect("favourites:list")


@require_GET
def shared(request, token: str):
    owner = selectors.shared_list_owner(token)
    if owner is None:
        response = render(request, "favourites/shared_gone.html", status=404)
    else:
        rows = selectors.favourite_rows(saved=selectors.account_saved(owner), tree=catalog_tree(request))
        response = render(request, "favourites/shared.html", {"rows": rows, "owner_name": owner.first_name})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"  # the token stays out of the links it leads to
    return response


@require_POST
def recently_viewed(request):
    """The "recently viewed" strip, loaded after the page (cached pages stay the same for
    everyone). A product page posts its product, which is recorded first and left out."""
    raw_id = request.POST.get("product", "")
    tree = catalog_tree(request)
    current = int(raw_id) if raw_id.isdigit() else None
    if current is not None and visible_products(tree).filter(pk=current).exists():
        shopper.record_view(request.session, current)
    products, gone = selectors.recent_products(
        ids=[pk for pk in shopper.recent_ids(request.session) if pk != current][: shopper.RECENT_SHOWN], tree=tree
    )
    shopper.forget_recent(request.session, gone)
    return render(request, "favourites/_recent.html", {"products": products})
