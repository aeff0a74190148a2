"""Every write to accounts data goes through these functions (one transaction each)."""

from decimal import Decimal
from typing import TypedDict

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from legal.models import ConsentSource
from legal.services import consent_record

from . import user_cache
from .models import Address, Seller, User
from .roles import Role
from .validators import normalize_identity


class SignupConsent(TypedDict):
    """What the sign-up form agreed to, kept with the sign-up until its account is made."""

    ip: str | None
    marketing: bool


ADDRESS_FIELDS = (
    "label",
    "recipient",
    "phone",
    "street",
    "reference",
    "district",
    "province",
    "department",
    "postal_code",
    "country",
)


def user_signup_complete(
    *,
    email: str,
    password_hash: str,
    consent: SignupConsent | None,
    first_name: str,
    last_name: str,
    phone: str,
    dni: str,
) -> User | None:
    """Make the account a sign-up asked for (accounts.signup, after its answer): the user with its
    hashed password, its e-mail address (unconfirmed) and the consent it gave; None when the
    address already has an account. The DNI waits, unchecked, for the e-mail's confirmation."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        return None
    try:
        with transaction.atomic():
            user = User(
                email=email,
                password=password_hash,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                phone=phone.strip(),
                dni_pending=normalize_identity(dni),
            )
            user.save()
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            if consent is not None:
                consent_record(
                    email=email,
                    source=ConsentSource.SIGNUP,
                    user=user,
                    ip=consent["ip"],
                    marketing=consent["marketing"],
                )
    except IntegrityError:
        return None  # the same address signed up twice at once: the other one made it
    return user


@transaction.atomic
def user_mark_email_verified(*, user: User) -> bool:
    """Mark the e-mail confirmed and give the account the DNI it was waiting with (User.dni_pending).
    False when that DNI belongs to another account: it stays off this one."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    claimed = True
    fields: dict[str, bool | str] = {"email_verified": True}
    if locked.dni_pending:
        claimed = not User.objects.filter(dni=locked.dni_pending).exclude(pk=user.pk).exists()
        if claimed:
            fields["dni"] = locked.dni_pending
        fields["dni_pending"] = ""
    if fields != {"email_verified": locked.email_verified}:
        try:
            with transaction.atomic():  # another account may take the DNI between the check and the write
                User.objects.filter(pk=user.pk).update(**fields)
        except IntegrityError:
            claimed = False
            fields.pop("dni")
            User.objects.filter(pk=user.pk).update(**fields)
        user_cache.forget(user.pk)
    for name, value in fields.items():
        setattr(user, name, value)
    return claimed


def user_update_profile(*, user: User, first_name: str, last_name: str, phone: str, dni: str) -> User:
    """Save the profile. Until the e-mail is confirmed a changed DNI waits in dni_pending unchecked:
    the answer is the same whether another account has it (user_mark_email_verified decides)."""
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.phone = phone.strip()
    dni = normalize_identity(dni)
    stored_dni = User.objects.filter(pk=user.pk).values_list("dni", flat=True).get()  # a bound form set user.dni
    if user.email_verified or not dni or dni == stored_dni:
        user.dni, user.dni_pending = dni, ""
    else:
        user.dni, user.dni_pending = stored_dni, dni
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "phone", "dni", "dni_pending"])
    return user


def user_add_role(*, user: User, role: str) -> None:
    """Put a user in a role's group; back-office roles also open the admin to them."""
    if role not in Role.ALL:
        raise ValueError(f"Unknown role: {role!r}")
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
        if role in Role.BACK_OFFICE and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])


def _lock_owner(user: User) -> None:
    # Serialise default-flag changes of one user's addresses: the partial unique
    # constraints would otherwise make one of two concurrent edits fail.
    User.objects.select_for_update().filter(pk=user.pk).first()


def _clear_defaults(*, user: User, shipping: bool, billing: bool, keep: Address | None = None) -> None:
    others = Address.objects.filter(user=user)
    if keep is not None and keep.pk:
        others = others.exclude(pk=keep.pk)
    if shipping:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
    if billing:
        others.filter(is_default_billing=True).update(is_default_billing=False)


@transaction.atomic
def address_create(
    *,
    user: User,
    recipient: str,
    phone: str,
    street: str,
    district: str,
    province: str,
    department: str,
    reference: str = "",
    postal_code: str = "",
    label: str = "",
    country: str = "PE",
    is_default_shipping: bool = False,
    is_default_billing: bool = False,
) -> Address:
    _lock_owner(user)
    is_first = not Address.objects.filter(user=user).exists()
    address = Address(
        user=user,
        recipient=recipient,
        phone=phone,
        street=street,
        district=district,
        province=province,
        department=department,
        reference=reference,
        postal_code=postal_code,
        label=label,
        country=country,
        # A shopper's first address is the one checkout should offer.
        is_default_shipping=is_default_shipping or is_first,
        is_default_billing=is_default_billing or is_first,
    )
    # Clear the old defaults first so the one-default constraints validate; a
    # validation error below rolls the clearing back with the transaction.
    _clear_defaults(user=user, shipping=address.is_default_shipping, billing=address.is_default_billing)
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, **fields: object) -> Address:
    unknown = set(fields) - set(ADDRESS_FIELDS) - {"is_default_shipping", "is_default_billing"}
    if unknown:
        raise TypeError(f"address_update() got unexpected fields: {sorted(unknown)}")
    _lock_owner(address.user)
    for name, value in fields.items():
        setattr(address, name, value)
    _clear_defaults(
        user=address.user, shipping=address.is_default_shipping, billing=address.is_default_billing, keep=address
    )
    address.full_clean()
    address.save()
    return address


# What makes two saved addresses the same place to deliver to (the label and flags do not).
DELIVERY_FIELDS = ("recipient", "phone", "street", "reference", "district", "province", "department", "postal_code")


@transaction.atomic
def address_remember(
    *,
    user: User,
    recipient: str,
    phone: str,
    street: str,
    reference: str,
    district: str,
    province: str,
    department: str,
    postal_code: str,
) -> Address:
    """Keep an address the customer typed (at checkout) in their address book, unless the book
    has it already: a resubmitted form or an address typed again adds no second copy."""
    _lock_owner(user)  # two submits at once: the second one finds the first one's row
    fields = {
        "recipient": recipient,
        "phone": phone,
        "street": street,
        "district": district,
        "province": province,
        "department": department,
        "reference": reference,
        "postal_code": postal_code,
    }
    wanted = {name: str(value or "").strip() for name, value in fields.items()}
    for address in Address.objects.filter(user=user, department=wanted["department"]):
        if all(str(getattr(address, name)).strip().casefold() == wanted[name].casefold() for name in DELIVERY_FIELDS):
            return address
    return address_create(
        user=user,
        recipient=wanted["recipient"],
        phone=wanted["phone"],
        street=wanted["street"],
        district=wanted["district"],
        province=wanted["province"],
        department=wanted["department"],
        reference=wanted["reference"],
        postal_code=wanted["postal_code"],
    )


@transaction.atomic
def address_delete(*, address: Address) -> None:
    """Delete an address; its default role passes to the newest remaining address."""
    user = address.user
    _lock_owner(user)
    was_shipping, was_billing = address.is_default_shipping, address.is_default_billing
    address.delete()
    successor = Address.objects.filter(user=user).order_by("-created_at").first()
    if successor and (was_shipping or was_billing):
        successor.is_default_shipping = successor.is_default_shipping or was_shipping
        successor.is_default_billing = successor.is_default_billing or was_billing
        successor.save(update_fields=["is_default_shipping", "is_default_billing"])


def _unique_seller_slug(store_name: str) -> str:
    base = slugify(store_name)[:120] or "tienda"
    slug, n = base, 2
    while Seller.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def seller_apply(*, user: User, store_name: str, ruc: str) -> Seller:
    """A customer asks to sell; staff approve the profile before it can list products."""
    seller = Seller(user=user, store_name=store_name.strip(), ruc=normalize_identity(ruc))
    seller.slug = _unique_seller_slug(seller.store_name)
    seller.full_clean()
    seller.save()
    return seller


@transaction.atomic
def seller_approve(*, seller: Seller, actor: User, commission_rate: Decimal | None = None) -> Seller:
    seller = Seller.objects.select_for_update().get(pk=seller.pk)
    if commission_rate is not None:
        seller.commission_rate = commission_rate
    if not seller.is_approved:
        seller.is_approved = True
        seller.approved_at = timezone.now()
        seller.approved_by = actor
    seller.full_clean()
    seller.save()
    user_add_role(user=seller.user, role=Role.SELLER)
    return seller


@transaction.atomic
def seller_approval_withdraw(*, seller: Seller) -> Seller:
    """The seller stops selling: not approved, out of the seller role, and, unless another back-office
    role keeps it, out of the admin (is_staff off), which ends their sessions at once (their session
    hash covers the access, accounts.User._get_session_auth_hash)."""
    seller = Seller.objects.select_for_update(of=("self",)).select_related("user").get(pk=seller.pk)
    seller.is_approved, seller.approved_at, seller.approved_by = False, None, None
    seller.save(update_fields=["is_approved", "approved_at", "approved_by"])
    user = seller.user
    user.groups.remove(*Group.objects.filter(name=Role.SELLER))
    other_back_office_roles = user.groups.filter(name__in=Role.BACK_OFFICE).exists()
    if user.is_staff and not other_back_office_roles and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    return seller


@transaction.atomic
def user_second_factor_reset(*, users: list[User]) -> int:
    """Remove these users' second factor (TOTP and recovery codes; allauth.mfa): a lost phone. With
    STAFF_MFA_REQUIRED the next admin page sends them to set up a new one. The number of users that
    had one."""
    from allauth.mfa.models import Authenticator

    authenticators = Authenticator.objects.select_for_update().filter(user__in=users)
    had = len({authenticator.user_id for authenticator in authenticators})
    authenticators.delete()
    return had


# The address a closed account is left with: reserved (.invalid never resolves), unique per row,
# so the person's own e-mail is free to open a new account.
CLOSED_ACCOUNT_EMAIL = "cuenta-cerrada-{pk}@anonimo.invalid"


@transaction.atomic
def user_anonymise(*, user: User) -> dict[str, int]:
    """What a closed account keeps of its person: nothing. Addresses, e-mail addresses (allauth),
    second factors, roles and the change history of the row (old names, e-mails, DNI) go; the row
    stays, anonymised (unusable password, inactive), because orders, receipts, complaint sheets and
    reviews still point at it. A new password hash and is_active=False end every session of the
    account on its next request, on every node. How many rows of each kind went."""
    from allauth.mfa.models import Authenticator

    user = User.objects.select_for_update().get(pk=user.pk)
    erased = {
        "addresses": Address.objects.filter(user=user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "second_factors": Authenticator.objects.filter(user=user).delete()[0],
    }
    user.groups.clear()
    user.user_permissions.clear()
    user.email = CLOSED_ACCOUNT_EMAIL.format(pk=user.pk)
    user.first_name = user.last_name = user.phone = user.dni = user.dni_pending = ""
    user.email_verified = user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    # The row's history held every earlier name, e-mail and DNI: only its last (anonymous) version stays.
    last = user.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()
    erased["history"] = user.history.exclude(history_id=last).delete()[0]
    return erased


def user_sessions_end(*, user_id: int) -> int:
    """Delete every stored session signed in as this user (database row and cached copy). The
    session store has no index by user, so this reads the unexpired sessions: work for a task, not
    a page. How many sessions ended."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id):
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
