"""Writes of the sunat app: one transaction each."""
