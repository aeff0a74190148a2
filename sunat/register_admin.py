"""The admin's "Registro de ventas" page: staff who may see receipts choose a month and download
its register in SIRE's format (sunat.register), the file the command writes."""

from functools import partial

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .register import Period, PeriodError, RegisterError, register_file
from .selectors import lima_today


class RegisterForm(forms.Form):
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": _("YYYY-MM")}),
        help_text=_("The month (Lima time): every document issued in it, once."),
    )

    def clean_period(self) -> Period:
        try:
            return Period.parse(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None


def register_view(request: HttpRequest, *, admin_site: admin.AdminSite) -> HttpResponse:
    if not request.user.has_perm("receipts.view_receipt"):
        return HttpResponse(status=403)
    form = RegisterForm(request.GET or None, initial={"period": str(Period.of(lima_today()))})
    if request.GET and form.is_valid():
        try:
            register = register_file(form.cleaned_data["period"])
        except RegisterError as error:
            form.add_error(None, str(error))
        else:
            response = HttpResponse(register.content, content_type="text/plain; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{register.name}"'
            return response
    context = {**admin_site.each_context(request), "form": form, "title": _("Sales register (SIRE)")}
    return TemplateResponse(request, "admin/sunat/register.html", context, status=400 if request.GET else 200)


class SalesRegisterUrls:
    """Gives a ModelAdmin (the summaries') the register's page, named admin:sunat_register."""

    admin_site: admin.AdminSite

    def get_urls(self):
        view = self.admin_site.admin_view(partial(register_view, admin_site=self.admin_site))
        return [path("register/", view, name="sunat_register"), *super().get_urls()]
