"""The gateway log: every gateway request, response and webhook body, secrets redacted."""
