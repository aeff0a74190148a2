"""INDECOPI's export of a period's sheets: a CSV (django-import-export, one row per sheet, the
regulation's fields in Spanish columns) or a PDF (every sheet as the consumer received it)."""

from datetime import date

from django.utils.translation import gettext as _
from import_export import fields, resources

from .models import ComplaintSheet
from .pdf import sheets_pdf
from .selectors import sheets_filed_between


def _field(attribute: str, column: str, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, **kwargs)


class ComplaintSheetResource(resources.ModelResource):
    number = _field("number", "Número de hoja")
    filed_at = _field("filed_at", "Fecha de registro")
    provider = _field("provider_name", "Proveedor")
    provider_ruc = _field("provider_ruc", "RUC del proveedor")
    provider_address = _field("provider_address", "Domicilio del establecimiento")
    consumer = _field("consumer_name", "Consumidor")
    document_type = _field("document_type", "Tipo de documento")
    document = _field("document_number", "Número de documento")
    address = _field("address", "Domicilio del consumidor")
    phone = _field("phone", "Teléfono")
    email = _field("email", "Correo electrónico")
    guardian = _field("guardian_name", "Padre, madre o apoderado (menor de edad)")
    guardian_document = _field("guardian_document", "Documento del padre, madre o apoderado")
    item_kind = _field("item_kind", "Producto o servicio")
    amount = _field("amount", "Monto reclamado (S/)")
    description = _field("item_description", "Descripción del bien")
    order = _field("order__number", "Pedido")
    kind = _field("kind", "Reclamo o queja")
    detail = _field("detail", "Detalle")
    request = _field("consumer_request", "Pedido del consumidor")
    due_on = _field("due_on", "Fecha límite de respuesta")
    response = _field("response", "Observaciones y acciones adoptadas por el proveedor")
    answered_at = _field("answered_at", "Fecha de comunicación de la respuesta")

    class Meta:
        model = ComplaintSheet
        # Only the columns declared above, in their order.
        fields = (
            "number",
            "filed_at",
            "provider",
            "provider_ruc",
            "provider_address",
            "consumer",
            "document_type",
            "document",
            "address",
            "phone",
            "email",
            "guardian",
            "guardian_document",
            "item_kind",
            "amount",
            "description",
            "order",
            "kind",
            "detail",
            "request",
            "due_on",
            "response",
            "answered_at",
        )

    def dehydrate_document_type(self, sheet):
        return sheet.get_document_type_display()

    def dehydrate_item_kind(self, sheet):
        return {"product": "Producto", "service": "Servicio"}[sheet.item_kind]

    def dehydrate_kind(self, sheet):
        return sheet.kind.capitalize()


def export_csv(*, start: date, end: date) -> str:
    # A BOM so that Excel, where these files are usually opened, reads the accents right.
    return "\ufeff" + ComplaintSheetResource().export(queryset=sheets_filed_between(start=start, end=end)).csv


def export_pdf(*, start: date, end: date) -> bytes:
    title = _("Libro de Reclamaciones, %(start)s to %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}
    return sheets_pdf(sheets_filed_between(start=start, end=end), title=title)
