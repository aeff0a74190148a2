"""Thin Celery wrappers around sunat's services."""
