from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import AddressForm, ProfileForm, SellerApplicationForm, district_choices, province_choices
from .models import Seller


def _apply_validation_error(form, error: ValidationError) -> None:
    """Show a service's model validation on the form instead of a 500."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Your details were saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def address_list(request):
    return render(request, "accounts/address_list.html", {"addresses": selectors.address_list_for(user=request.user)})


# Without JavaScript the address form's "Update the lists" button posts this: the page comes
# back with the province and district options of what was chosen, and nothing is saved.
REFRESH_LISTS = "refresh_lists"


def _address_form(request, *, instance=None) -> tuple[AddressForm, bool]:
    """The address form for this request, and whether it was submitted to be saved."""
    if request.method != "POST":
        return AddressForm(instance=instance), False
    if REFRESH_LISTS in request.POST:
        return AddressForm(initial=request.POST.dict(), instance=instance), False
    return AddressForm(request.POST, instance=instance), True


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request):
    form, submitted = _address_form(request)
    if submitted and form.is_valid():
        try:
            services.address_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Address added."))
            return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "address": None})


@login_required
@require_http_methods(["GET", "POST"])
def address_update(request, pk: int):
    address = selectors.address_get_for(user=request.user, pk=pk)
    form, submitted = _address_form(request, instance=address)
    if submitted and form.is_valid():
        try:
            services.address_update(address=address, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Address updated."))
            return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


# The ubigeo changes a few times a year: a browser may keep these lists for a day (private:
# the prompt option is in the visitor's language).
def _field_value(request, name: str) -> str:
    """The select's value, also when its form has a prefix ("shipping-department")."""
    for key, value in request.GET.items():
        if key == name or key.endswith("-" + name):
            return value
    return ""


@require_http_methods(["GET"])
@cache_control(private=True, max_age=60 * 60 * 24)
def ubigeo_provinces(request):
    """<option>s of a department's provinces, for the address form's province select."""
    choices = province_choices(_field_value(request, "department"))
    return render(request, "accounts/includes/ubigeo_options.html", {"choices": choices})


@require_http_methods(["GET"])
@cache_control(private=True, max_age=60 * 60 * 24)
def ubigeo_districts(request):
    """<option>s of a province's districts, for the address form's district select."""
    choices = district_choices(_field_value(request, "province"))
    return render(request, "accounts/includes/ubigeo_options.html", {"choices": choices})


@login_required
@require_http_methods(["GET", "POST"])
def address_delete(request, pk: int):
    address = selectors.address_get_for(user=request.user, pk=pk)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, _("Address deleted."))
        return redirect("accounts:address_list")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@login_required
@require_http_methods(["GET", "POST"])
def seller_apply(request):
    seller = Seller.objects.filter(user=request.user).first()
    if seller is not None:
        return render(request, "accounts/seller_apply.html", {"seller": seller, "form": None})
    form = SellerApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.seller_apply(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        except IntegrityError:
            # Two submissions raced (double click, or the same RUC at once): one row won.
            form.add_error(None, _("This application was already received. Reload the page to see its status."))
        else:
            messages.success(request, _("Thank you! We will review your application and write to you."))
            return redirect("accounts:seller_apply")
    return render(request, "accounts/seller_apply.html", {"seller": None, "form": form})
