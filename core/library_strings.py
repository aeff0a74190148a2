"""Admin strings of the libraries the back office shows that ship no Spanish (django-simple-history)
or lack some (django-constance, django-import-export). Named here so `makemessages` keeps them in
locale/es, whose translations take precedence over the libraries' own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

STRINGS = [
    # django-simple-history: the history pages
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("View history: %s"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Change History"),
    gettext_noop("Revert"),
    gettext_noop("Revert %s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Choose a date from the list below to revert to a previous version of this object."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    # django-constance: the site settings page
    gettext_noop("Constance"),
    gettext_noop("constance"),
    gettext_noop("constances"),
    gettext_noop("Reset to default"),
    gettext_noop("Current file"),
    gettext_noop("Failed to update live settings."),
    gettext_noop("You don't have permission to change these values"),
    # django-import-export: import messages
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format for the file."
    ),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    gettext_noop("Value could not be parsed."),
]
