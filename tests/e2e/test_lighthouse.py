"""Lighthouse's accessibility, best-practices and SEO audits score 100 on home, a category, a
product and a search (mobile). Performance is measured in the bench (make lighthouse), never here."""

import pytest
from django.urls import reverse

from bench.lighthouse import audit_pages, failed_audits, is_noindex, missing_reason, scores

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("catalog_journey")]

CATEGORIES = ("accessibility", "best-practices", "seo")


def test_the_main_pages_score_100_in_accessibility_best_practices_and_seo(live_server, shop):
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    product = shop["basic"]
    pages = {
        "home": reverse("storefront:home"),
        "listing": product.category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": reverse("catalog:search") + "?q=hoodie",
    }
    problems = []
    reports = audit_pages([live_server.url + path for path in pages.values()], categories=CATEGORIES, timeout=240)
    for page, report in zip(pages, reports, strict=True):
        for category, score in scores(report).items():
            if category == "seo" and page == "search" and is_noindex(report):
                # A search result page asks not to be indexed: that audit alone may fail.
                others = [line for line in failed_audits(report, category) if not line.startswith("is-crawlable")]
                if others:
                    problems.append(f"{page} {category}: {others}")
            elif score < 100:
                problems.append(f"{page} {category} {score}: {failed_audits(report, category)}")
    assert problems == []
