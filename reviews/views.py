from allauth.core.internal import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Variant
from catalog.selectors import visible_products

from . import selectors, services
from .forms import ReviewForm
from .models import Review

POST_ACTION = "post_review"


def _post_allowed(request) -> bool:
    """Writing and editing reviews is limited per user (REVIEWS_POST_RATE_LIMIT)."""
    usage = ratelimit.consume(
        request, app="reviews", action=POST_ACTION, config={POST_ACTION: settings.REVIEWS_POST_RATE_LIMIT}
    )
    return usage is not None


def _product_url(product, anchor: str = "reviews") -> str:
    return f"{product.get_absolute_url()}#{anchor}"


@require_GET
def product_reviews(request, slug: str):
    """One page of a product's approved reviews, in the order asked (the htmx fragment)."""
    product = get_object_or_404(
        visible_products().with_price_reveal(), slug=slug
    )  # the list asks if it awaits its drop
    section = selectors.product_reviews(
        product=product, user=request.user, sort=request.GET.get("sort", "helpful"), page=request.GET.get("page", 1)
    )
    if not request.htmx:
        return redirect(_product_url(product))
    return render(request, "reviews/_list.html", {"reviews": section, "product": product})


def _render_form(request, *, product, form, review=None, status=200):
    return render(request, "reviews/form.html", {"product": product, "form": form, "review": review}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request, slug: str):
    product = get_object_or_404(visible_products().select_related("brand"), slug=slug)
    own = Review.objects.filter(product=product, user=request.user).first()
    if own is not None:
        messages.info(request, _("You have already reviewed this product. You can edit your review."))
        return redirect("reviews:edit", own.pk)
    form = ReviewForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _render_form(request, product=product, form=form, status=200 if request.method == "GET" else 400)
    if not _post_allowed(request):
        messages.error(request, _("You have posted many reviews in a short time. Try again later."))
        return _render_form(request, product=product, form=form, status=429)
    try:
        review = services.review_create(user=request.user, product=product, **form.cleaned_data)
    except services.ReviewError as error:
        form.add_error(None, error.message)
        return _render_form(request, product=product, form=form, status=400)
    if review.is_approved:
        messages.success(request, _("Thank you! Your review is published."))
    else:
        messages.success(request, _("Thank you! Your review will appear once we check it."))
    return redirect(_product_url(product))


@login_required
@require_GET
def write_for_variant(request, variant_id: int):
    """The order page and the invitation e-mail link a bought variant to its product's review form."""
    variant = get_object_or_404(Variant.objects.select_related("product"), pk=variant_id)
    if not visible_products().filter(pk=variant.product_id).exists():
        raise Http404
    return redirect("reviews:create", variant.product.slug)


def _own_review(request, pk: int) -> Review:
    # Another shopper's review id answers like a missing one: nothing to learn from it.
    return get_object_or_404(Review.objects.select_related("product__brand"), pk=pk, user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request, pk: int):
    review = _own_review(request, pk)
    initial = {"rating": review.rating, "title": review.title, "body": review.body}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "GET" or not form.is_valid():
        return _render_form(
            request, product=review.product, form=form, review=review, status=200 if request.method == "GET" else 400
        )
    if not _post_allowed(request):
        messages.error(request, _("You have posted many reviews in a short time. Try again later."))
        return _render_form(request, product=review.product, form=form, review=review, status=429)
    try:
        review = services.review_update(user=request.user, review_id=review.pk, **form.cleaned_data)
    except services.ReviewError as error:
        form.add_error(None, error.message)
        return _render_form(request, product=review.product, form=form, review=review, status=400)
    messages.success(
        request,
        _("Your review is updated.")
        if review.is_approved
        else _("Your review is updated and will appear once we check it."),
    )
    return redirect(_product_url(review.product))


@login_required
@require_POST
def review_delete(request, pk: int):
    review = _own_review(request, pk)
    services.review_delete(user=request.user, review_id=review.pk)
    messages.success(request, _("Your review was deleted."))
    return redirect(_product_url(review.product))


def _feedback(request, review_id: int, action):
    """Vote or report: htmx gets the review's action bar back; without JavaScript, the product page."""
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    error = None
    try:
        review = action(user=request.user, review_id=review.pk)
    except services.ReviewError as problem:
        error = problem.message
    if request.htmx:
        # htmx swaps only 2xx answers: a refused vote comes back as the bar with its message.
        voted = set(review.votes.filter(user=request.user).values_list("review_id", flat=True))
        return render(
            request,
            "reviews/_actions.html",
            {
                "review": review,
                "voted_ids": voted,
                "feedback_error": error,
                "reported": action is services.review_report and error is None,
            },
        )
    if error:
        messages.error(request, error)
    elif action is services.review_report:
        messages.success(request, _("Thank you. We will check this review."))
    else:
        messages.success(request, _("Thank you for your vote."))
    return redirect(_product_url(review.product))


@login_required
@require_POST
def review_vote(request, pk: int):
    return _feedback(request, pk, services.review_vote_helpful)


@login_required
@require_POST
def review_report(request, pk: int):
    return _feedback(request, pk, services.review_report)


@require_GET
def seller(request, slug: str):
    page = selectors.seller_page(slug=slug, page=request.GET.get("page", 1))
    return render(
        request,
        "reviews/seller.html",
        {"page": page, "seller": page.seller, "breadcrumbs": [{"label": page.seller.store_name, "url": None}]},
    )
