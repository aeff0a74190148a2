"""SUNAT's daily paperwork: resúmenes diarios (RC) and comunicaciones de baja (RA)."""
