"""How shoppers reach the store, from the site settings (django-constance)."""

import re
from urllib.parse import quote

from core.site_settings import site_setting


def phone_href(number: str) -> str:
    """tel: link for a phone number as people write it ("(01) 640-9000", "+51 987 654 321"), or ""
    when it holds no number. A number without country code is Peru's (+51)."""
    digits = re.sub(r"[\s()\-.]", "", number or "")
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return ""
    if digits.startswith("+"):
        return f"tel:{digits}"
    return f"tel:+51{digits.lstrip('0')}"


def whatsapp_url() -> str:
    """https://wa.me/<number> for the WHATSAPP_NUMBER setting, or "" when it is empty or not a
    phone number (wa.me takes the international number, digits only: 51987654321)."""
    digits = re.sub(r"[\s+()\-.]", "", site_setting("WHATSAPP_NUMBER") or "")
    return f"https://wa.me/{digits}" if re.fullmatch(r"[1-9]\d{7,14}", digits) else ""


def whatsapp_share_url(phone: str, text: str) -> str:
    """https://wa.me/<number>?text=<message> to write `text` to a customer's phone on WhatsApp, or ""
    when the phone holds no number. A 9-digit Peruvian mobile (9XXXXXXXX) gets Peru's code (51)."""
    digits = re.sub(r"[\s+()\-.]", "", phone or "")
    if re.fullmatch(r"9\d{8}", digits):
        digits = f"51{digits}"
    if not re.fullmatch(r"[1-9]\d{7,14}", digits):
        return ""
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"
