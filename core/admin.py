class ReadOnlyAdminMixin:
    """For records written only by services (ledgers, snapshots, history, gateway results):
    staff read them in the admin; nothing is added, edited or deleted by hand. Works on model
    admins and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
