import pytest


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Account e-mails leave through a task on commit (accounts.adapter): `with sent():` around a
    request runs them when it ends, as a committed request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
