"""Where gateway log entries go: a MongoDB collection when MONGO_URL is set, the
GatewayLogEntry table otherwise. Both take and give the same plain dicts."""

import threading
from datetime import UTC

from django.db import transaction
from django.utils import timezone

COLLECTION = "gateway_log"
DEFAULT_DATABASE = "tienda"
# (name, keys): the same indexes as the SQL table.
MONGO_INDEXES = [
    ("order_time", [("order_id", 1), ("created_at", -1)]),
    ("payment_time", [("payment_id", 1), ("created_at", -1)]),
    ("provider_time", [("provider", 1), ("created_at", -1)]),
]
FIELDS = (
    "created_at",
    "provider",
    "direction",
    "kind",
    "order_id",
    "payment_id",
    "status_code",
    "url",
    "duration_ms",
    "body",
    "request_id",
)


def mongo_client_factory(url: str):
    """The MongoDB client (tests replace this with mongomock.MongoClient). Short timeouts: a
    MongoDB that is down costs a payment two seconds at most, never the payment itself."""
    import pymongo

    return pymongo.MongoClient(url, serverSelectionTimeoutMS=2000, connectTimeoutMS=2000, tz_aware=True)


class SqlStore:
    name = "sql"

    def write(self, entry: dict) -> None:
        from payments.models import GatewayLogEntry

        # A savepoint: a failed insert must not poison the caller's transaction (PostgreSQL).
        with transaction.atomic():
            GatewayLogEntry.objects.create(**entry)

    def entries(self, *, payment_id=None, order_id=None, limit=50) -> list[dict]:
        from payments.models import GatewayLogEntry

        rows = GatewayLogEntry.objects.all()
        if payment_id is not None:
            rows = rows.filter(payment_id=payment_id)
        if order_id is not None:
            rows = rows.filter(order_id=order_id)
        return list(rows.order_by("-created_at", "-pk").values(*FIELDS)[:limit])

    def drop_before(self, cutoff) -> int:
        from payments.models import GatewayLogEntry

        return GatewayLogEntry.objects.filter(created_at__lt=cutoff).delete()[0]


class MongoStore:
    name = "mongo"

    def __init__(self, url: str):
        self.url = url
        self._client = None
        self._collection = None
        self._lock = threading.Lock()

    @property
    def collection(self):
        """Connected lazily, one client per process (pymongo pools and reconnects by itself);
        the indexes are created (idempotently) on first use, and tried again next time if the
        server could not be reached."""
        if self._collection is None:
            with self._lock:
                if self._client is None:
                    self._client = mongo_client_factory(self.url)
                if self._collection is None:
                    collection = self._client.get_default_database(DEFAULT_DATABASE)[COLLECTION]
                    for name, keys in MONGO_INDEXES:
                        collection.create_index(keys, name=name)
                    self._collection = collection
        return self._collection

    def write(self, entry: dict) -> None:
        self.collection.insert_one(dict(entry))

    def drop_before(self, cutoff) -> int:
        return self.collection.delete_many({"created_at": {"$lt": cutoff}}).deleted_count

    def entries(self, *, payment_id=None, order_id=None, limit=50) -> list[dict]:
        query = {}
        if payment_id is not None:
            query["payment_id"] = payment_id
        if order_id is not None:
            query["order_id"] = order_id
        # MongoDB keeps milliseconds: entries of the same millisecond are ordered by their ObjectId
        # (increasing within a process).
        found = self.collection.find(query, {"_id": False}).sort([("created_at", -1), ("_id", -1)]).limit(limit)
        entries = []
        for document in found:
            entry = {field: document.get(field) for field in FIELDS}
            created = entry["created_at"]
            if created is not None and timezone.is_naive(created):
                entry["created_at"] = timezone.make_aware(created, UTC)
            entries.append(entry)
        return entries
