"""Peru's ubigeo (INEI): 25 departments, 196 provinces, 1,891 districts.

Codes are strings: a department has 2 digits ("15" Lima), a province 4 ("1501" Lima), a
district 6 ("150122" Miraflores); each code starts with its parent's. The department codes
are the values `accounts.models.Department` stores. The list is read once from
`accounts/data/ubigeo.json` (see `accounts/data/build_ubigeo.py` for where it comes from).

Names are matched without regard to case, accents or extra spaces ("san martin de porres"
finds "San Martín de Porres", "Wanchaq" finds "Wanchaq").
"""

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "ubigeo.json"

CALLAO = "07"
LIMA_PROVINCE = "1501"


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str

    def __str__(self) -> str:
        return self.name


def normalize(name: str) -> str:
    """A name as compared: lower case, no accents, single spaces ("Áncash " -> "ancash")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def _sort_key(place: Place) -> str:
    return normalize(place.name)


@cache
def _data() -> dict[str, dict[str, str]]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def _children(level: str, parent_length: int) -> dict[str, tuple[Place, ...]]:
    grouped: dict[str, list[Place]] = {}
    for code, name in _data()[level].items():
        grouped.setdefault(code[:parent_length], []).append(Place(code, name))
    return {parent: tuple(sorted(places, key=_sort_key)) for parent, places in grouped.items()}


@cache
def _by_name(level: str, parent_length: int) -> dict[tuple[str, str], Place]:
    return {
        (parent, normalize(place.name)): place
        for parent, places in _children(level, parent_length).items()
        for place in places
    }


# --- lists ----------------------------------------------------------------------------------


@cache
def departments() -> tuple[Place, ...]:
    """All 25 departments (Callao included), in alphabetical order."""
    return tuple(sorted((Place(code, name) for code, name in _data()["departments"].items()), key=_sort_key))


def provinces(department_code: str) -> tuple[Place, ...]:
    """The provinces of a department, alphabetical; empty for an unknown code."""
    return _children("provinces", 2).get(department_code or "", ())


def districts(province_code: str) -> tuple[Place, ...]:
    """The districts of a province, alphabetical; empty for an unknown code."""
    return _children("districts", 4).get(province_code or "", ())


# --- look-ups by code -----------------------------------------------------------------------


def _lookup(level: str, code: str, length: int) -> Place | None:
    if not isinstance(code, str) or len(code) != length:
        return None
    name = _data()[level].get(code)
    return Place(code, name) if name else None


def department(code: str) -> Place | None:
    return _lookup("departments", code, 2)


def province(code: str) -> Place | None:
    return _lookup("provinces", code, 4)


def district(code: str) -> Place | None:
    return _lookup("districts", code, 6)


# --- look-ups by name -----------------------------------------------------------------------


def find_province(department_code: str, name: str) -> Place | None:
    """The province of that department with that name (case and accents ignored)."""
    return _by_name("provinces", 2).get((department_code or "", normalize(name)))


def find_district(province_code: str, name: str) -> Place | None:
    """The district of that province with that name (case and accents ignored)."""
    return _by_name("districts", 4).get((province_code or "", normalize(name)))


def resolve(department_code: str, province_name: str, district_name: str) -> Place | None:
    """The district (6-digit code, official name) that three names point to, or None."""
    found = find_province(department_code, province_name)
    return find_district(found.code, district_name) if found else None


# --- validation -----------------------------------------------------------------------------


def is_province_of(province_code: str, department_code: str) -> bool:
    return province(province_code) is not None and province_code[:2] == department_code


def is_district_of(district_code: str, province_code: str) -> bool:
    return district(district_code) is not None and district_code[:4] == province_code


def is_lima_metropolitana(department_code: str, province_code: str) -> bool:
    """Lima province and Callao: the capital's metropolitan area, one courier zone."""
    return department_code == CALLAO or (department_code == LIMA_PROVINCE[:2] and province_code == LIMA_PROVINCE)
