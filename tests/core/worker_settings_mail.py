"""An e-mail backend for a worker started by a test: one line per message (recipient and subject)
appended to $FAULT_DIR/mail.log, so the test counts what was sent across processes."""

import os
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class LineEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with open(Path(os.environ["FAULT_DIR"]) / "mail.log", "a") as handle:
            for message in email_messages:
                handle.write(f"{','.join(message.to)}\t{message.subject}\n")
        return len(email_messages)
