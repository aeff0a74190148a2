"""The waiting page: a few hundred bytes of HTML built here, no template engine, no database, no
script (it refreshes itself with a meta refresh), styled inline under a CSP hash of its own
because it answers before the CSP middleware runs."""

import base64
import hashlib
import random
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LIMA = ZoneInfo("America/Lima")

STYLE = (
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;background:#f6f4ef;"
    "color:#1f2328;display:flex;min-height:100vh;align-items:center;justify-content:center}"
    "main{max-width:32rem;margin:1rem;padding:2rem 1.5rem;background:#fff;border-radius:12px;"
    "box-shadow:0 2px 12px rgba(0,0,0,.08);text-align:center}"
    "h1{font-size:1.5rem;margin:0 0 1rem}.place{font-size:3rem;font-weight:700;margin:.25rem 0;color:#8a3b12}"
    "p{line-height:1.5;margin:.75rem 0}.small{font-size:.9rem;color:#57606a}"
    "a{display:inline-block;margin-top:1rem;padding:.75rem 1.25rem;border-radius:8px;background:#8a3b12;"
    "color:#fff;text-decoration:none;font-weight:600}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def refresh_seconds(estimate_seconds: float | None) -> int:
    """When the browser asks again: soon when the turn is near, at most every 30 s when far (or not
    known), with a jitter so that a crowd that arrived together does not come back together."""
    base = 30 if estimate_seconds is None else min(max(estimate_seconds / 4, 5), 30)
    return max(int(base * random.uniform(0.75, 1.25)), 3)


def _wait_text(seconds: float | None) -> str:
    if seconds is None:
        return _("The line is not moving right now: it moves as shoppers inside leave or the store has room.")
    minutes = int(seconds // 60) + 1
    if seconds < 60:
        return _("Estimated wait: less than a minute.")
    return ngettext(
        "Estimated wait: about %(minutes)s minute.", "Estimated wait: about %(minutes)s minutes.", minutes
    ) % {"minutes": minutes}


def waiting_page(
    *, place: int, estimate_seconds: float | None, opens_at: float, now: float, again: str, language: str
) -> tuple[str, int]:
    """The page's HTML and its refresh interval, in the shopper's language (Spanish unless chosen)."""
    refresh = refresh_seconds(estimate_seconds)
    with translation.override(language):
        lines = [
            _("So that everyone has the same chance, we let shoppers into the store in the order they arrived."),
        ]
        if opens_at > now:
            opening = datetime.fromtimestamp(opens_at, tz=UTC).astimezone(LIMA)
            lines.append(_("The drop opens at %(time)s (Lima time).") % {"time": opening.strftime("%H:%M")})
        body = [
            f"<h1>{escape(_('You are in line'))}</h1>",
            f"<p>{escape(_('Your place in line'))}</p>",
            f'<p class="place" role="status" aria-live="polite">{place:,}</p>',
            *(f"<p>{escape(line)}</p>" for line in lines),
            f"<p>{escape(_wait_text(estimate_seconds))}</p>",
            '<p class="small">'
            + escape(
                _(
                    "This page refreshes by itself: keep it open. Reloading it neither loses nor gains you a place; "
                    "opening the store in another browser or deleting its cookies puts you at the end of the line."
                )
            )
            + "</p>",
            f'<a href="{escape(again)}">{escape(_("Refresh now"))}</a>',
        ]
        title = _("You are in line")
        html_language = "es" if language.startswith("es") else language
    page = (
        f'<!doctype html><html lang="{html_language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f'<meta http-equiv="refresh" content="{refresh}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>"
    )
    return page, refresh
