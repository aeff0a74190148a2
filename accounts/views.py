from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .forms import AddressForm, ProfileForm, SellerApplicationForm
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


@login_required
@require_http_methods(["GET", "POST"])
def address_create(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
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
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_update(address=address, **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Address updated."))
            return redirect("accounts:address_list")
    return render(request, "accounts/address_form.html", {"form": form, "address": address})


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
