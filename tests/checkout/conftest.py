import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff_member(db):
    """A back-office user in the support role (may add orders): takes orders on WhatsApp or the phone."""
    from accounts import services as account_services
    from accounts.roles import Role, roles_sync

    roles_sync()

    user = UserFactory(email="vendedora@kallpa.pe", first_name="Lucía", last_name="Ramos")
    account_services.user_add_role(user=user, role=Role.SUPPORT)
    user.refresh_from_db()
    return user
