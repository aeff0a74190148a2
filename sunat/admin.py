"""The admin of SUNAT's daily paperwork."""
