"""Peru's ubigeo: the data, the Address rules and the address form's dependent selects."""

import hashlib
import importlib
import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import ubigeo
from accounts.forms import AddressForm
from accounts.models import Address, Department
from tests.factories import AddressFactory, address_data


class TestData:
    def test_counts_match_inei(self):
        departments = ubigeo.departments()
        provinces = [p for d in departments for p in ubigeo.provinces(d.code)]
        districts = [x for p in provinces for x in ubigeo.districts(p.code)]

        assert (len(departments), len(provinces)) == (25, 196)
        assert 1880 <= len(districts) <= 1900

    def test_department_codes_are_those_address_stores(self):
        assert [(d.code, d.name) for d in sorted(ubigeo.departments(), key=lambda d: d.code)] == list(
            Department.choices
        )

    def test_codes_nest(self):
        assert ubigeo.province("1501").name == "Lima"
        assert ubigeo.district("150122").name == "Miraflores"
        assert ubigeo.district("040110").name == "Miraflores"  # Arequipa has one too
        assert [p.code for p in ubigeo.provinces("07")] == ["0701"]
        assert all(d.code.startswith("0801") for d in ubigeo.districts("0801"))

    def test_lists_are_alphabetical(self):
        names = [ubigeo.normalize(d.name) for d in ubigeo.districts("1501")]
        assert names == sorted(names)

    @pytest.mark.parametrize("code", ["", "1", "99", "9999", "999999", None, "15012"])
    def test_unknown_codes(self, code):
        assert ubigeo.department(code) is None
        assert ubigeo.province(code) is None
        assert ubigeo.district(code) is None
        assert ubigeo.provinces(code) == ()
        assert ubigeo.districts(code) == ()

    def test_names_match_without_case_accents_or_spaces(self):
        assert ubigeo.resolve("15", "  lima ", "jesus  maria").code == "150113"
        assert ubigeo.resolve("08", "CUSCO", "Wanchaq").code == "080108"
        assert ubigeo.find_province("02", "ancash") is None  # Áncash is a department, not a province
        assert ubigeo.resolve("15", "Lima", "Yanahuara") is None  # a district of Arequipa

    def test_validation_helpers(self):
        assert ubigeo.is_province_of("1501", "15")
        assert not ubigeo.is_province_of("0401", "15")
        assert ubigeo.is_district_of("150122", "1501")
        assert not ubigeo.is_district_of("040110", "1501")
        assert ubigeo.is_lima_metropolitana("15", "1501")
        assert ubigeo.is_lima_metropolitana("07", "0701")
        assert not ubigeo.is_lima_metropolitana("15", "1506")  # Huaral: Lima region, not the capital
        assert not ubigeo.is_lima_metropolitana("04", "0401")


# Places INEI writes with accents, one or more per department: a name that lost its accents or
# was cut short (as "Santa Cruz de Toled" and "San Martin de Porres" once were) fails here.
WELL_KNOWN_NAMES = {
    "02": "Áncash",
    "03": "Apurímac",
    "10": "Huánuco",
    "12": "Junín",
    "22": "San Martín",
    "0106": "Rodríguez de Mendoza",
    "0508": "Páucar del Sara Sara",
    "0510": "Víctor Fajardo",
    "0809": "La Convención",
    "1005": "Huamalíes",
    "1309": "Sánchez Carrión",
    "1604": "Mariscal Ramón Castilla",
    "1802": "General Sánchez Cerro",
    "010102": "Asunción",
    "021004": "Chavín de Huántar",
    "030213": "San Jerónimo",
    "040129": "José Luis Bustamante y Rivero",
    "040205": "Nicolás de Piérola",
    "050902": "Belén",
    "060108": "Los Baños del Inca",
    "060506": "Santa Cruz de Toledo",
    "060801": "Jaén",
    "070107": "Mi Perú",
    "100602": "Daniel Alomía Robles",
    "110508": "Túpac Amaru Inca",
    "120302": "Perené",
    "130111": "Víctor Larco Herrera",
    "140108": "Monsefú",
    "140306": "Mórrope",
    "150102": "Ancón",
    "150105": "Breña",
    "150113": "Jesús María",
    "150119": "Lurín",
    "150123": "Pachacámac",
    "150128": "Rímac",
    "150135": "San Martín de Porres",
    "150143": "Villa María del Triunfo",
    "150709": "Huarochirí",
    "160401": "Ramón Castilla",
    "170301": "Iñapari",
    "200115": "Veintiséis de Octubre",
    "200706": "Máncora",
    "210112": "Platería",
    "220803": "Elías Soplín Vargas",
    "230402": "Héroes Albarracín",
    "250101": "Callería",
}

# Words INEI accents wherever they occur in a place's name.
ACCENTED_WORDS = [
    "Albarracín",
    "Alomía",
    "Asís",
    "Asunción",
    "Callería",
    "Concepción",
    "Cristóbal",
    "Dámaso",
    "Elías",
    "Jerónimo",
    "Jesús",
    "José",
    "Lucía",
    "María",
    "Martín",
    "Nicolás",
    "Páucar",
    "Perú",
    "Ramón",
    "Soplín",
    "Unión",
    "Víctor",
]

# The sorted codes of every department, province and district: correcting a name must not add,
# drop or renumber a place (a new district changes this on purpose).
CODES_SHA256 = "16a8faad14c9f07516b2ad3973fff02d8538d2746341bcaf4394f2cf95046651"


def all_places() -> dict[str, str]:
    data = json.loads(ubigeo.DATA_FILE.read_text(encoding="utf-8"))
    return {code: name for level in ("departments", "provinces", "districts") for code, name in data[level].items()}


class TestNames:
    @pytest.mark.parametrize(
        ("code", "name"),
        [
            ("060506", "Santa Cruz de Toledo"),
            ("150135", "San Martín de Porres"),
            ("250101", "Callería"),
            ("100602", "Daniel Alomía Robles"),
        ],
    )
    def test_names_once_misspelt(self, code, name):
        assert ubigeo.district(code).name == name

    def test_well_known_names_keep_their_accents_and_their_length(self):
        places = all_places()

        assert {code: places.get(code) for code in WELL_KNOWN_NAMES} == WELL_KNOWN_NAMES

    def test_accented_words_are_accented_everywhere(self):
        accented = {ubigeo.normalize(word): word for word in ACCENTED_WORDS}

        unaccented = [
            (code, name)
            for code, name in all_places().items()
            for word in re.findall(r"\w+", name)
            if accented.get(ubigeo.normalize(word), word) != word
        ]

        assert unaccented == []

    def test_every_name_starts_with_a_capital(self):
        assert [(code, name) for code, name in all_places().items() if not name[:1].isupper()] == []

    def test_the_same_places_as_ever(self):
        places = all_places()
        counts = [sum(len(code) == size for code in places) for size in (2, 4, 6)]

        assert counts == [25, 196, 1891]
        assert hashlib.sha256(" ".join(sorted(places)).encode()).hexdigest() == CODES_SHA256


@pytest.mark.django_db
class TestAddressModel:
    def test_clean_derives_the_code_and_official_names(self, user):
        address = AddressFactory.build(user=user, department="15", province="lima", district="jesus maria")

        address.full_clean()

        assert (address.ubigeo, address.province, address.district) == ("150113", "Lima", "Jesús María")
        assert address.province_code == "1501" and address.is_lima_metropolitana

    @pytest.mark.parametrize(
        ("province", "district", "field"),
        [
            ("Arequipa", "Miraflores", "province"),  # a province of another department
            ("Lima", "Yanahuara", "district"),  # a district of another province
            ("Limaa", "Miraflores", "province"),
        ],
    )
    def test_clean_refuses_places_that_do_not_nest(self, user, province, district, field):
        address = AddressFactory.build(user=user, department="15", province=province, district=district)

        with pytest.raises(ValidationError) as error:
            address.full_clean()

        assert list(error.value.message_dict) == [field]

    def test_an_unmatched_old_row_must_be_corrected_to_save(self, user):
        address = AddressFactory(user=user, province="Lima", district="Barrio Inventado")
        assert address.ubigeo == ""

        with pytest.raises(ValidationError):
            address.full_clean()
        address.district = "Miraflores"
        address.full_clean()
        assert address.ubigeo == "150122"

    def test_the_database_refuses_a_code_of_another_department(self, address):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            Address.objects.filter(pk=address.pk).update(ubigeo="040110")

    def test_migration_matches_existing_rows_and_leaves_the_rest(self, user):
        matched = AddressFactory(user=user, province="LIMA", district="lince", ubigeo="")
        unknown = AddressFactory(user=user, province="Lima", district="Barrio Inventado", ubigeo="")
        migration = importlib.import_module("accounts.migrations.0003_address_ubigeo")

        migration.match_existing_addresses(apps, None)

        matched.refresh_from_db()
        unknown.refresh_from_db()
        assert (matched.ubigeo, matched.province, matched.district) == ("150116", "Lima", "Lince")
        assert unknown.ubigeo == "" and unknown.district == "Barrio Inventado"


@pytest.mark.django_db
class TestAddressForm:
    def test_saves_codes_as_official_names_and_ubigeo(self, client, user):
        client.force_login(user)

        response = client.post(
            reverse("accounts:address_create"), address_data(department="08", province="0801", district="080108")
        )

        assert response.status_code == 302
        address = Address.objects.get()
        assert (address.department, address.province, address.district, address.ubigeo) == (
            "08",
            "Cusco",
            "Wanchaq",
            "080108",
        )

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"province": "0401"}, "province", "Elige una provincia de Lima de la lista."),
            ({"district": "040110"}, "district", "Elige un distrito de la provincia de Lima de la lista."),
            ({"province": "9999"}, "province", None),
            ({"district": "999999"}, "district", None),
            ({"district": "Miraflores"}, "district", None),  # a name where a code belongs
            ({"province": ""}, "province", None),
            ({"district": ""}, "district", None),
            ({"department": "04"}, "province", "Elige una provincia de Arequipa de la lista."),
        ],
    )
    def test_tampered_or_missing_places_are_field_errors_and_nothing_is_saved(
        self, client, user, overrides, field, message
    ):
        client.force_login(user)

        response = client.post(reverse("accounts:address_create"), address_data(**overrides))

        assert response.status_code == 200
        errors = response.context["form"].errors
        assert field in errors
        assert len(errors[field]) == 1  # the form and the model do not say it twice
        if message:
            assert errors[field] == [message]
        assert not Address.objects.exists()

    def test_tampered_district_on_edit_keeps_the_saved_row(self, client, user):
        address = AddressFactory(user=user)
        client.force_login(user)

        response = client.post(
            reverse("accounts:address_update", args=[address.pk]), address_data(province="0401", district="040110")
        )

        assert response.status_code == 200 and "province" in response.context["form"].errors
        address.refresh_from_db()
        assert (address.province, address.district) == ("Lima", "Miraflores")

    def test_edit_shows_the_saved_codes_selected(self, client, user):
        address = AddressFactory(user=user, department="08", province="Cusco", district="Wanchaq")
        client.force_login(user)

        html = client.get(reverse("accounts:address_update", args=[address.pk])).content.decode()

        assert '<option value="0801" selected>Cusco</option>' in html
        assert '<option value="080108" selected>Wanchaq</option>' in html
        assert "Miraflores" not in html  # only Cusco's districts are offered

    def test_an_unmatched_old_row_is_editable_and_must_be_corrected(self, client, user):
        address = AddressFactory(user=user, province="Lima", district="Barrio Inventado")
        client.force_login(user)

        page = client.get(reverse("accounts:address_update", args=[address.pk]))
        assert page.status_code == 200 and page.context["form"].needs_ubigeo
        assert "Barrio Inventado" in page.content.decode()

        again = client.post(reverse("accounts:address_update", args=[address.pk]), address_data(district=""))
        assert again.status_code == 200 and "district" in again.context["form"].errors

        fixed = client.post(reverse("accounts:address_update", args=[address.pk]), address_data())
        assert fixed.status_code == 302
        address.refresh_from_db()
        assert (address.district, address.ubigeo) == ("Miraflores", "150122")

    def test_new_form_offers_departments_and_waits_for_one(self):
        form = AddressForm()

        assert len(form.fields["department"].choices) == 26
        assert form.fields["province"].widget.choices == [("", "Elige primero el departamento")]

    def test_without_javascript_update_the_lists_reloads_with_the_new_options(self, client, user):
        client.force_login(user)

        response = client.post(
            reverse("accounts:address_create"),
            address_data(department="04", province="", district="", refresh_lists="1"),
        )

        assert response.status_code == 200
        form = response.context["form"]
        assert not form.is_bound and not form.errors
        assert ("0401", "Arequipa") in form.fields["province"].widget.choices
        assert 'value="Av. Larco 345, of. 1201"' in response.content.decode()  # typed values kept
        assert not Address.objects.exists()


@pytest.mark.django_db
class TestUbigeoEndpoints:
    def test_provinces_of_a_department(self, client):
        response = client.get(reverse("accounts:ubigeo_provinces"), {"department": "07"}, HTTP_HX_REQUEST="true")

        assert response.status_code == 200
        assert response.content.decode().split("\n")[:2] == [
            '<option value="">Elige una provincia</option>',
            '<option value="0701">Callao</option>',
        ]
        assert "max-age=86400" in response["Cache-Control"]

    def test_districts_of_a_province(self, client):
        html = client.get(reverse("accounts:ubigeo_districts"), {"province": "1501"}).content.decode()

        assert '<option value="150122">Miraflores</option>' in html
        assert html.count("<option") == 44  # the prompt and Lima's 43 districts

    @pytest.mark.parametrize("params", [{}, {"department": "99"}, {"department": "<script>"}])
    def test_unknown_department_is_only_the_prompt(self, client, params):
        response = client.get(reverse("accounts:ubigeo_provinces"), params)

        assert response.status_code == 200
        assert response.content.decode().strip() == '<option value="">Elige primero el departamento</option>'

    def test_the_form_wires_the_selects_to_the_endpoints(self, client, user):
        client.force_login(user)

        html = client.get(reverse("accounts:address_create")).content.decode()

        assert f'hx-get="{reverse("accounts:ubigeo_provinces")}"' in html
        assert f'hx-get="{reverse("accounts:ubigeo_districts")}"' in html
        assert 'name="refresh_lists"' in html  # the no-JavaScript fallback
        # ... which must not be the form's default button: Enter in a field saves.
        form = html[html.index('<form class="form"') :]
        first_button = form[form.index('<button type="submit"') :].split(">", 1)[0]
        assert "name=" not in first_button


@pytest.mark.django_db
class TestAddressAdmin:
    def test_shows_the_code_and_refuses_names_that_do_not_nest(self, admin_client, address):
        change = reverse("admin:accounts_address_change", args=[address.pk])

        page = admin_client.get(change)
        assert page.status_code == 200 and "150122" in page.content.decode()
        assert admin_client.get(reverse("admin:accounts_address_changelist"), {"q": "150122"}).status_code == 200

        data = {
            "user": address.user_id,
            "recipient": "Ana",
            "phone": "987654321",
            "street": "Jr. 1",
            "department": "15",
            "province": "Arequipa",
            "district": "Miraflores",
            "country": "PE",
        }
        response = admin_client.post(change, data)

        assert response.status_code == 200
        assert "province" in response.context["adminform"].form.errors
        response = admin_client.post(change, data | {"province": "lima", "district": "san isidro"})
        assert response.status_code == 302
        address.refresh_from_db()
        assert (address.province, address.district, address.ubigeo) == ("Lima", "San Isidro", "150131")
