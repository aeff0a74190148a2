from decimal import Decimal
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords

from . import ubigeo as ubigeo_data
from .fields import IdentityField
from .validators import validate_dni, validate_ruc

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,19}$",
    _("Enter a valid phone number, for example 987 654 321 or +51 987 654 321."),
)


class Department(models.TextChoices):
    """Peru's first ubigeo level (INEI codes): 24 departments and Callao."""

    AMAZONAS = "01", "Amazonas"
    ANCASH = "02", "Áncash"
    APURIMAC = "03", "Apurímac"
    AREQUIPA = "04", "Arequipa"
    AYACUCHO = "05", "Ayacucho"
    CAJAMARCA = "06", "Cajamarca"
    CALLAO = "07", "Callao"
    CUSCO = "08", "Cusco"
    HUANCAVELICA = "09", "Huancavelica"
    HUANUCO = "10", "Huánuco"
    ICA = "11", "Ica"
    JUNIN = "12", "Junín"
    LA_LIBERTAD = "13", "La Libertad"
    LAMBAYEQUE = "14", "Lambayeque"
    LIMA = "15", "Lima"
    LORETO = "16", "Loreto"
    MADRE_DE_DIOS = "17", "Madre de Dios"
    MOQUEGUA = "18", "Moquegua"
    PASCO = "19", "Pasco"
    PIURA = "20", "Piura"
    PUNO = "21", "Puno"
    SAN_MARTIN = "22", "San Martín"
    TACNA = "23", "Tacna"
    TUMBES = "24", "Tumbes"
    UCAYALI = "25", "Ucayali"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str | None) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address: shopper, seller, staff or all of them."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    dni = IdentityField(
        _("DNI"), max_length=8, blank=True, validators=[validate_dni], help_text=_("8 digits, as on the ID card.")
    )
    # The DNI given before the e-mail is confirmed: checked against other accounts (unique) only
    # once it is, so that a stranger cannot learn whose DNI has an account here by signing up.
    dni_pending = IdentityField(
        _("DNI awaiting e-mail confirmation"), max_length=8, blank=True, validators=[validate_dni], editable=False
    )
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Whether the user can sign in to the back office.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(
                fields=["dni"],
                condition=~Q(dni=""),
                name="accounts_user_dni_unique",
                violation_error_code="unique",  # shown on the dni field, not above the form
                violation_error_message=_("This DNI is already registered to another account."),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email.split("@")[0]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """What each session of the user is checked against on every request (Django signs a session
        out when it no longer matches). With back-office access it also covers that access, so taking
        is_staff or is_superuser away (or granting it) ends the user's sessions at once, on every
        node; deactivation already does (an inactive user is never loaded). Customers' stays Django's."""
        if not (self.is_staff or self.is_superuser):
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]  # Django, untyped in the stubs
        access = f"{self.password}|staff={self.is_staff}|superuser={self.is_superuser}"
        salt = "accounts.User.session_auth_hash.back_office"
        return salted_hmac(salt, access, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_seller(self) -> bool:
        seller = getattr(self, "seller", None)
        return seller is not None and seller.is_approved


class Address(models.Model):
    """A shipping or billing address in Peru, down to the district (ubigeo levels).

    `ubigeo` is the INEI district code ("150122" = Miraflores, Lima) and what shipping zones
    read; `province` and `district` keep the official names for display and for the order's
    address snapshot. `clean()` derives the code from the names and writes the names back in
    their official spelling, so a full_clean()ed row always has the three in agreement. Rows
    saved before the ubigeo existed whose names matched nothing keep an empty code until they
    are edited, and cannot be saved again until they are corrected.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("user"))
    label = models.CharField(_("label"), max_length=40, blank=True, help_text=_("For example: Home, Office."))
    recipient = models.CharField(_("recipient"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, validators=[phone_validator])
    street = models.CharField(_("street and number"), max_length=255)
    reference = models.CharField(_("reference"), max_length=255, blank=True, help_text=_("Landmarks for the courier."))
    district = models.CharField(_("district"), max_length=100)
    province = models.CharField(_("province"), max_length=100)
    department = models.CharField(_("department"), max_length=2, choices=Department.choices)
    ubigeo = models.CharField(
        _("ubigeo"),
        max_length=6,
        blank=True,
        editable=False,
        help_text=_("INEI district code, set from the department, province and district."),
    )
    postal_code = models.CharField(
        _("postal code"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A Peruvian postal code has 5 digits."))],
    )
    country = models.CharField(_("country"), max_length=2, choices=[("PE", _("Peru"))], default="PE")
    is_default_shipping = models.BooleanField(_("default shipping address"), default=False)
    is_default_billing = models.BooleanField(_("default billing address"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default_shipping", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default_shipping=True), name="accounts_address_one_default_shipping"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default_billing=True), name="accounts_address_one_default_billing"
            ),
            # Empty (a row from before the ubigeo, not corrected yet) or a district of the department.
            models.CheckConstraint(
                condition=Q(ubigeo="") | (Q(ubigeo__regex=r"^[0-9]{6}$") & Q(ubigeo__startswith=F("department"))),
                name="accounts_address_ubigeo_in_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}, {self.street}, {self.district}"

    def clean(self) -> None:
        super().clean()
        department = ubigeo_data.department(self.department)
        if department is None or not self.province or not self.district:
            return  # the fields' own validation reports a missing or unknown value
        province = ubigeo_data.find_province(department.code, self.province)
        if province is None:
            message = _("Choose a province of %(department)s from the list.")
            raise ValidationError(
                {"province": ValidationError(message, "province_not_in_department", {"department": department.name})}
            )
        district = ubigeo_data.find_district(province.code, self.district)
        if district is None:
            message = _("Choose a district of the province of %(province)s from the list.")
            raise ValidationError(
                {"district": ValidationError(message, "district_not_in_province", {"province": province.name})}
            )
        self.province, self.district, self.ubigeo = province.name, district.name, district.code

    @property
    def department_name(self) -> str:
        return self.get_department_display()

    @property
    def province_code(self) -> str:
        """The 4-digit INEI province code, or "" for a row not matched to the ubigeo yet."""
        return self.ubigeo[:4]

    @property
    def has_ubigeo(self) -> bool:
        return bool(self.ubigeo)

    @property
    def place_line(self) -> str:
        """ "District, province, department" as INEI names them (the stored names of a row not
        matched to the ubigeo yet)."""
        district, province = ubigeo_data.district(self.ubigeo), ubigeo_data.province(self.province_code)
        names = (district.name, province.name) if district and province else (self.district, self.province)
        return ", ".join((*names, self.department_name))

    @property
    def is_lima_metropolitana(self) -> bool:
        """Lima province and Callao share the capital's courier zone."""
        return ubigeo_data.is_lima_metropolitana(self.department, self.province_code)


class Seller(models.Model):
    """A marketplace vendor profile on a user who can still shop as a customer."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="seller", verbose_name=_("user"))
    store_name = models.CharField(_("store name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    ruc = IdentityField(
        _("RUC"),
        max_length=11,
        unique=True,
        validators=[validate_ruc],
        error_messages={"unique": _("A seller with this RUC already exists.")},
    )
    is_approved = models.BooleanField(_("approved"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    commission_rate = models.DecimalField(
        _("commission rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        ordering = ["store_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0) & Q(commission_rate__lte=100),
                name="accounts_seller_commission_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.store_name
