"""Start-up checks: a production server must not answer every page with a 500 because the
static files were never collected (the manifest storage refuses unknown names)."""

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage
from django.utils.functional import empty

MISSING_MANIFEST = (
    "Static files have not been collected: {path} is missing, so every page would fail. "
    "Run `python manage.py collectstatic --noinput` (the Docker image and `make serve` do) "
    "before starting the server."
)


def missing_static_manifest() -> str | None:
    """The error text when the configured storage needs a manifest that is not there."""
    # staticfiles_storage is a LazyObject (the stubs type it as the Storage it wraps): its private
    # _wrapped/_setup give the configured storage itself, so isinstance sees its real class.
    if staticfiles_storage._wrapped is empty:  # type: ignore[attr-defined]
        staticfiles_storage._setup()  # type: ignore[attr-defined]
    storage: Storage = staticfiles_storage._wrapped  # type: ignore[attr-defined]
    if not isinstance(storage, ManifestFilesMixin) or storage.exists(storage.manifest_name):
        return None
    return MISSING_MANIFEST.format(path=storage.path(storage.manifest_name))


@register(deploy=True)  # `check --deploy`; migrate may rightly run before collectstatic
def static_manifest_check(app_configs=None, **kwargs):
    message = missing_static_manifest()
    return [Error(message, id="core.E001")] if message else []


def require_collected_static() -> None:
    """Called by config/wsgi.py: a production server refuses to start without its static files."""
    message = missing_static_manifest()
    if message and not settings.DEBUG:
        raise ImproperlyConfigured(message)
