"""How shoppers reach the store, from the site settings (django-constance)."""

import re

from constance import config


def whatsapp_url() -> str:
    """https://wa.me/<number> for the WHATSAPP_NUMBER setting, or "" when it is empty or not a
    phone number (wa.me takes the international number, digits only: 51987654321)."""
    digits = re.sub(r"[\s+()\-.]", "", config.WHATSAPP_NUMBER or "")
    return f"https://wa.me/{digits}" if re.fullmatch(r"[1-9]\d{7,14}", digits) else ""
