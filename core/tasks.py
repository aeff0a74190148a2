from celery import shared_task


@shared_task(name="core.ping")
def ping() -> str:
    """Answers "pong": proves a worker consumes from the broker and returns results."""
    return "pong"
