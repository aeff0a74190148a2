"""Reads of the sunat app shared by the admin, the reports and the commands."""
