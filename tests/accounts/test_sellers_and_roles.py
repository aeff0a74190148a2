from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from accounts import services
from accounts.admin import SellerAdmin
from accounts.models import Seller
from accounts.roles import Role, roles_sync
from tests.factories import SellerFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestSellerApplication:
    def test_customer_applies_and_waits_for_approval(self, client, user):
        client.force_login(user)

        response = client.post(
            reverse("accounts:seller_apply"), {"store_name": "Gamer Zone Perú", "ruc": "20100070970"}
        )

        assert response.status_code == 302
        seller = Seller.objects.get(user=user)
        assert (seller.slug, seller.ruc, seller.is_approved) == ("gamer-zone-peru", "20100070970", False)
        assert "Gamer Zone Perú" in client.get(reverse("accounts:seller_apply")).content.decode()

    @pytest.mark.parametrize("ruc", ["20100070971", "2010007097", "30100070970", "RUC12345678", ""])
    def test_bad_ruc_is_a_field_error(self, client, user, ruc):
        client.force_login(user)

        response = client.post(reverse("accounts:seller_apply"), {"store_name": "Mi tienda", "ruc": ruc})

        assert response.status_code == 200
        assert "ruc" in response.context["form"].errors
        assert not Seller.objects.exists()

    def test_ruc_of_another_seller_is_refused(self, client, user):
        SellerFactory(ruc="20100070970")
        client.force_login(user)

        response = client.post(reverse("accounts:seller_apply"), {"store_name": "Mi tienda", "ruc": "20100070970"})

        assert "ruc" in response.context["form"].errors
        assert Seller.objects.count() == 1

    def test_second_application_is_not_accepted(self, client, user):
        SellerFactory(user=user)
        client.force_login(user)

        client.post(reverse("accounts:seller_apply"), {"store_name": "Otra", "ruc": "10467793549"})

        assert Seller.objects.filter(user=user).count() == 1

    def test_same_store_name_gets_a_distinct_slug(self, user, other_user):
        first = services.seller_apply(user=user, store_name="Casa Inca", ruc="20100070970")
        second = services.seller_apply(user=other_user, store_name="Casa Inca", ruc="10467793549")

        assert (first.slug, second.slug) == ("casa-inca", "casa-inca-2")


class TestSellerApproval:
    def test_approval_grants_role_and_back_office(self, user):
        admin = UserFactory(is_staff=True, is_superuser=True)
        seller = SellerFactory(user=user)

        services.seller_approve(seller=seller, actor=admin, commission_rate=Decimal("12.50"))

        seller.refresh_from_db()
        user.refresh_from_db()
        assert seller.is_approved and seller.approved_by == admin and seller.approved_at
        assert seller.commission_rate == Decimal("12.50")
        assert user.is_staff and user.is_seller
        assert user.groups.filter(name=Role.SELLER).exists()

    def test_commission_outside_0_100_is_refused_by_the_database(self, user):
        seller = SellerFactory(user=user)
        with pytest.raises(IntegrityError), transaction.atomic():
            Seller.objects.filter(pk=seller.pk).update(commission_rate=Decimal("150"))

    def test_seller_sees_only_their_own_profile_in_admin(self, user, other_user):
        own = SellerFactory(user=user, ruc="20100070970")
        SellerFactory(user=other_user, ruc="10467793549")
        services.seller_approve(seller=own, actor=UserFactory(is_superuser=True, is_staff=True))
        user.refresh_from_db()
        request = RequestFactory().get("/admin/accounts/seller/")
        request.user = user

        queryset = SellerAdmin(Seller, site).get_queryset(request)

        assert list(queryset) == [own]


class TestRoles:
    def test_every_role_group_exists(self):
        assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)

    def test_administrator_has_every_permission_and_customer_none(self):
        assert Group.objects.get(name=Role.ADMINISTRATOR).permissions.count() == Permission.objects.count()
        assert Group.objects.get(name=Role.CUSTOMER).permissions.count() == 0

    def test_support_can_view_users_but_not_delete_them(self):
        codenames = set(Group.objects.get(name=Role.SUPPORT).permissions.values_list("codename", flat=True))
        assert {"view_user", "change_user", "view_address"} <= codenames
        assert "delete_user" not in codenames

    def test_sync_is_idempotent_and_restores_removed_permissions(self):
        group = Group.objects.get(name=Role.SUPPORT)
        expected = set(group.permissions.all())
        group.permissions.clear()

        roles_sync()
        roles_sync()

        assert set(group.permissions.all()) == expected
