"""Product generators: one function per leaf category turns a random.Random into a
believable listing (name, description, specs, price, variants). Everything random goes
through the generator passed in, so a seed always gives the same catalog."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import data as d

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass
class VariantDraft:
    values: list[tuple[str, str]]  # [(option code, value)]
    modifier: Decimal = ZERO

    def color(self) -> str | None:
        return next((value for option, value in self.values if option == "color"), None)


@dataclass
class LineDraft:
    name: str
    category: str
    manufacturer: str
    description: str
    base_specs: dict


@dataclass
class ProductDraft:
    category: str
    kind: str  # the silhouette drawn for its pictures
    brand: str
    name: str
    description: str
    specs: dict
    price: Decimal
    warranty: int
    weight: Decimal
    dims: tuple[Decimal | None, Decimal | None, Decimal | None]
    variants: list[VariantDraft]
    look: str  # colour hex of the pictures when no variant has a colour
    line: LineDraft | None = None
    tags: set[str] = field(default_factory=set)  # hints for kits: office, gamer, sofa, armchair, six, local
    max_per_customer: int | None = None
    # Filled in by the loader:
    seq: int = 0
    slug: str = ""
    base_sku: str = ""
    compare_at: Decimal | None = None
    status: str = "active"
    is_featured: bool = False
    is_new: bool = False
    appeal: int = 0  # how much the kits show it off; never stored as units sold
    age_seconds: int = 0


# --- helpers ------------------------------------------------------------------------------


def retail(value: float) -> Decimal:
    """A shelf price: S/ 2,699.00 above S/ 300, S/ 149.90 below."""
    if value >= 300:
        return Decimal(max(1, round(value / 10)) * 10 - 1).quantize(CENT)
    return (Decimal(max(1, round(value))) - Decimal("0.10")).quantize(CENT)


def step(value: float, unit: int = 10) -> Decimal:
    """A price modifier rounded to whole units of `unit` soles."""
    return Decimal(round(value / unit) * unit).quantize(CENT)


def kg(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def cm(*values: float) -> tuple[Decimal, Decimal, Decimal]:
    return tuple(Decimal(str(v)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) for v in values)  # type: ignore


def pick_some(r: random.Random, items: list, low: int, high: int) -> list:
    """Between low and high distinct items, keeping their original order."""
    count = min(len(items), r.randint(low, high))
    chosen = set(r.sample(range(len(items)), count))
    return [item for i, item in enumerate(items) if i in chosen]


def combine(*axes: list[tuple[str, str, Decimal]]) -> list[VariantDraft]:
    """Cartesian product of option axes [(option, value, modifier)] into variants."""
    variants = []
    for combo in itertools.product(*axes):
        modifier = sum((m for _, _, m in combo), ZERO)
        variants.append(VariantDraft(values=[(o, v) for o, v, _ in combo], modifier=modifier))
    return variants


def colors_axis(names: list[str]) -> list[tuple[str, str, Decimal]]:
    return [("color", name, ZERO) for name in names]


def hex_of(color: str) -> str:
    return d.COLORS[color]


def lower_first(text: str) -> str:
    """ "Sofá seccional en L" -> "sofá seccional en L" (str.lower would also lower the L)."""
    return text[:1].lower() + text[1:]


def sentence(r: random.Random, *choices: str) -> str:
    return r.choice(choices)


PERU_CLOSERS = [
    "Envío a todo el Perú y recojo gratis en tienda.",
    "Boleta o factura electrónica con cada compra.",
    "Precio con IGV incluido; paga con tarjeta, Yape o transferencia.",
    "Despacho en Lima Metropolitana en 24 a 48 horas.",
]


# --- tecnología -----------------------------------------------------------------------------

GPU_OUTPUTS = {
    "Ada Lovelace": "3× DisplayPort 1.4a, 1× HDMI 2.1a",
    "Blackwell": "3× DisplayPort 2.1b, 1× HDMI 2.1b",
    "RDNA 3": "2× DisplayPort 2.1, 2× HDMI 2.1",
    "RDNA 4": "2× DisplayPort 2.1a, 1× HDMI 2.1b",
    "Xe2 (Battlemage)": "3× DisplayPort 2.1, 1× HDMI 2.1a",
}
GPU_UPSCALER = {"NVIDIA": "DLSS", "AMD": "FSR", "Intel": "XeSS"}
GPU_LOOKS = ["#26292e", "#3d4148"]
GPU_WHITE = "#e9eaec"


def _gpu_line(row) -> LineDraft:
    key, maker, chip, memory, bus, iface, boost, power, psu, base, arch, res, mem_variants = row
    mem = memory if not mem_variants else " o ".join(c for c, _ in mem_variants) + " " + memory
    return LineDraft(
        name=f"{maker} {chip}",
        category="tarjetas-graficas",
        manufacturer=maker,
        description=(
            f"La {chip} de {maker} usa la arquitectura {arch} con {mem} en un bus de {bus}. "
            f"Está pensada para jugar en {res} con {GPU_UPSCALER[maker]} y trazado de rayos, y para acelerar "
            "edición de video, render 3D e inteligencia artificial. Elige el modelo del ensamblador que prefieras."
        ),
        base_specs={
            "GPU": f"{maker} {chip}",
            "Arquitectura": arch,
            "Memoria": mem,
            "Bus de memoria": bus,
            "Interfaz": iface,
            "Fuente recomendada": f"{psu} W",
        },
    )


def gpu(r: random.Random) -> ProductDraft:
    weights = [3 if row[9] < 2000 else 3 if row[9] < 3500 else 2 if row[9] < 6000 else 1 for row in d.GPU_LINES]
    row = r.choices(d.GPU_LINES, weights=weights)[0]
    key, maker, chip, memory, bus, iface, boost, power, psu, base, arch, res, mem_variants = row
    brand = r.choice(sorted(d.GPU_PARTNERS[maker]))
    series, premium, fans, white_ok = r.choice(d.GPU_PARTNERS[maker][brand])
    oc = r.random() < 0.6
    white = white_ok and r.random() < 0.25
    parts = [brand, series, chip]
    if oc:
        parts.append("OC")
    if white:
        parts.append("White")
    if not mem_variants:
        parts.append(memory.split()[0] + "GB")
    name = " ".join(parts)
    bump = (r.randrange(15, 90, 5) if oc else 0) + int(premium * 300)
    length = (r.randint(200, 250) if fans == 2 else r.randint(285, 345)) + (15 if premium > 0.1 else 0)
    memory_text = memory if not mem_variants else " / ".join(c for c, _ in mem_variants) + " " + memory
    specs = {
        "GPU": f"{maker} {chip}",
        "Arquitectura": arch,
        "Memoria": memory_text,
        "Bus de memoria": bus,
        "Interfaz": iface,
        "Boost clock": f"{boost + bump} MHz",
        "Ventiladores": str(fans),
        "Salidas de video": GPU_OUTPUTS[arch],
        "Alimentación": power,
        "Fuente recomendada": f"{psu} W",
        "Longitud": f"{length} mm",
        "Ranuras": "2" if fans == 2 else r.choice(["2.5", "3", "3.5"] if base > 3000 else ["2", "2.5"]),
    }
    variants = [VariantDraft([])]
    if mem_variants:
        variants = [VariantDraft([("capacity", cap)], Decimal(mod).quantize(CENT)) for cap, mod in mem_variants]
    price = retail(base * (1 + premium + (0.02 if oc else 0) + (0.02 if white else 0)) * r.uniform(0.98, 1.03))
    cooling = "dos ventiladores" if fans == 2 else "tres ventiladores"
    description = " ".join(
        [
            sentence(
                r,
                f"La {name} combina la {chip} con un disipador de {cooling} y {length} mm de largo.",
                f"{brand} {series} lleva la {chip} a tu PC con un diseño de {cooling} que se mantiene silencioso "
                "bajo carga.",
                f"Tarjeta gráfica {brand} con GPU {chip} y {memory_text}, refrigerada por {cooling}.",
            ),
            sentence(
                r,
                f"Ideal para jugar en {res} con {GPU_UPSCALER[maker]} y trazado de rayos activados.",
                f"Rinde con soltura en {res} y acelera la edición de video y el render 3D.",
                f"Pensada para títulos exigentes en {res} y para flujos de trabajo creativos.",
            ),
            "Modo OC de fábrica para unos MHz extra." if oc else "Frecuencias de referencia y consumo contenido.",
            f"Requiere una fuente de al menos {psu} W.",
            r.choice(PERU_CLOSERS),
        ]
    )
    return ProductDraft(
        category="tarjetas-graficas",
        kind="gpu",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=price,
        warranty=36 if brand in ("ASUS", "MSI", "Gigabyte", "Zotac") else 24,
        weight=kg(round(0.6 + length / 300 + premium * 2, 3)),
        dims=cm(length / 10 + 8, 18, 8),
        variants=variants,
        look=GPU_WHITE if white else r.choice(GPU_LOOKS),
        line=_gpu_line(row),
        tags={"gamer"},
        max_per_customer=2 if base > 8000 else None,
    )


def _short_cpu(cpu: str) -> str:
    return cpu.replace("Intel ", "").replace("AMD ", "")


def laptop(r: random.Random) -> ProductDraft:
    brand, series, segment, base, screen, weight, colors = r.choice(d.LAPTOP_SERIES)
    cpu, cpu_add = r.choice(d.LAPTOP_CPUS[segment])
    ram, ram_add = r.choice(d.LAPTOP_RAM[segment])
    gpu_add = 0
    if segment == "gamer":
        top = 2 if base < 4000 else 3 if base < 5000 else 5
        gpu_name, gpu_add = r.choice(d.LAPTOP_GPUS[max(0, top - 2) : top + 1])
        graphics = f"NVIDIA GeForce {gpu_name} GDDR6"
        name = f"Laptop {brand} {series} {_short_cpu(cpu)} {ram.replace(' ', '')} {' '.join(gpu_name.split()[:2])}"
    else:
        graphics = "Intel Arc" if "Ultra" in cpu else "AMD Radeon integrada" if "Ryzen" in cpu else "Intel Iris Xe"
        name = f"Laptop {brand} {series} {_short_cpu(cpu)} {ram.replace(' ', '')}"
    storages = d.LAPTOP_STORAGE[: r.choice([1, 2, 2, 3])]
    color_names = colors if len(colors) == 1 or r.random() < 0.5 else colors[:1]
    color_values = [d.LAPTOP_COLOR_VALUES.get(c, c) for c in color_names]
    variants = combine(
        [("capacity", cap, Decimal(mod).quantize(CENT)) for cap, mod in storages],
        colors_axis(color_values),
    )
    price = retail((base + cpu_add + ram_add + gpu_add) * r.uniform(0.97, 1.04))
    os_name = "Windows 11 Pro" if segment == "negocios" else "Windows 11 Home"
    ram_kind = "DDR4" if segment == "hogar" and "i3" in cpu else "DDR5"
    specs = {
        "Procesador": cpu,
        "Memoria RAM": f"{ram} {ram_kind}",
        "Almacenamiento": "SSD NVMe M.2 (" + " / ".join(c for c, _ in storages) + ")",
        "Pantalla": screen,
        "Gráficos": graphics,
        "Sistema operativo": os_name,
        "Teclado": "En español latinoamericano, retroiluminado" if segment != "hogar" else "En español latinoamericano",
        "Conectividad": "Wi-Fi 6E, Bluetooth 5.3" if segment in ("gamer", "premium") else "Wi-Fi 6, Bluetooth 5.2",
        "Peso": f"{weight:.2f} kg".replace(".", ","),
    }
    uses = {
        "hogar": "para estudiar, trabajar y ver series sin complicaciones",
        "premium": "para quienes trabajan en movimiento y quieren una pantalla que luzca",
        "negocios": "para empresas que necesitan seguridad, durabilidad y soporte",
        "gamer": "para jugar con fluidez y hacer streaming o edición",
    }[segment]
    description = " ".join(
        [
            f"La {brand} {series} es una laptop {uses}.",
            sentence(
                r,
                f"Viene con {cpu}, {ram} de RAM y pantalla {screen}.",
                f"Su {cpu} y sus {ram} de memoria mueven con soltura tus programas de todos los días.",
            ),
            f"Gráficos {graphics}." if segment == "gamer" else "Batería para una jornada completa de clases u oficina.",
            f"Incluye {os_name} y teclado en español.",
            r.choice(PERU_CLOSERS),
        ]
    )
    line = LineDraft(
        name=f"{brand} {series}",
        category="laptops",
        manufacturer=brand,
        description=f"La serie {series} de {brand}: laptops {uses}. Disponible en varias configuraciones.",
        base_specs={"Pantalla": screen, "Sistema operativo": os_name, "Peso": specs["Peso"]},
    )
    return ProductDraft(
        category="laptops",
        kind="laptop",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=price,
        warranty={"hogar": 12, "premium": 24, "negocios": 36, "gamer": 24}[segment],
        weight=kg(weight + 1.1),
        dims=cm(52, 35, 9),
        variants=variants,
        look=hex_of(color_values[0]),
        line=line,
        tags={"gamer"} if segment == "gamer" else {"office"},
    )


def monitor(r: random.Random) -> ProductDraft:
    brand, model, kind, size, res, panel, hz, base, white = r.choice(d.MONITORS)
    label = "Monitor gamer" if kind == "gamer" else "Monitor"
    name = f'{label} {brand} {model} {size}" {res.split()[0] if "WFHD" in res else res} {hz} Hz'
    colors = (
        ["Negro", "Blanco"] if white and r.random() < 0.6 else (["Blanco"] if white and r.random() < 0.3 else ["Negro"])
    )
    gamer = kind == "gamer"
    specs = {
        "Tamaño": f'{size}"',
        "Resolución": f"{res.split()[0] if 'WFHD' in res else res} ({d.MONITOR_PIXELS[res]})",
        "Panel": panel,
        "Tasa de refresco": f"{hz} Hz",
        "Tiempo de respuesta": "0,03 ms (GtG)" if "OLED" in panel else "1 ms (GtG)" if gamer else "5 ms (GtG)",
        "Conectividad": "2× HDMI 2.1, 1× DisplayPort 1.4"
        if gamer
        else "1× HDMI, 1× DisplayPort, USB-C 65 W"
        if kind == "creativo"
        else "1× HDMI, 1× VGA",
        "Sincronización": "AMD FreeSync Premium, compatible con G-SYNC" if gamer else "AMD FreeSync",
        "HDR": "VESA DisplayHDR True Black 400"
        if "OLED" in panel
        else "HDR10"
        if hz >= 144 or kind == "creativo"
        else "No",
        "Montaje VESA": "100 × 100 mm",
    }
    description = " ".join(
        [
            sentence(
                r,
                f'El {brand} {model} tiene un panel {panel} de {size}" con resolución {res} y {hz} Hz.',
                f'Monitor de {size}" {res} con panel {panel} y tasa de refresco de {hz} Hz.',
            ),
            "Movimientos nítidos y baja latencia para juegos competitivos."
            if gamer
            else "Colores fieles y un diseño de bordes delgados para trabajar varias horas."
            if kind != "creativo"
            else "Calibrado de fábrica para fotografía, diseño y edición de video.",
            r.choice(PERU_CLOSERS),
        ]
    )
    return ProductDraft(
        category="monitores",
        kind="monitor",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=retail(base * r.uniform(0.96, 1.04)),
        warranty=36 if brand in ("Samsung", "LG", "Dell", "ASUS") else 24,
        weight=kg(round(2.8 + size * 0.17 + (1.5 if size >= 32 else 0), 2)),
        dims=cm(size * 2.4, 20, size * 1.6),
        variants=[VariantDraft([("color", c)]) for c in colors],
        look=hex_of(colors[0]),
        tags={"gamer"} if gamer and hz >= 144 else {"office"},
    )


GAMING_BRANDS = {"Razer", "HyperX", "Redragon", "Corsair"}

# category: (article + verb for "El G502 de Logitech es ...", uses for gamers, uses for everyone else)
PERIPHERAL_TEXT = {
    "keyboard": (
        "El {model} de {brand} es",
        [
            "un teclado preciso y resistente para tus partidas",
            "un teclado de respuesta rápida con teclas que aguantan millones de pulsaciones",
        ],
        [
            "un teclado cómodo para escribir todo el día",
            "una buena opción para renovar tu escritorio sin ocupar espacio de más",
        ],
    ),
    "mouse": (
        "El {model} de {brand} es",
        [
            "un mouse liviano para apuntar rápido",
            "un mouse preciso que se adapta a tu forma de agarre",
        ],
        [
            "un mouse cómodo para la oficina y la casa",
            "un compañero fiable para trabajar con hojas de cálculo y diseño",
        ],
    ),
    "headphones": (
        "Los {model} de {brand} son",
        [
            "audífonos con sonido envolvente para escuchar cada paso en tus juegos",
            "audífonos cómodos para sesiones largas, con micrófono claro para tu equipo",
        ],
        [
            "audífonos con sonido claro y almohadillas cómodas",
            "audífonos para tus llamadas, tu música y tus series",
        ],
    ),
}


def _peripheral(r: random.Random, rows, category: str, kind: str) -> ProductDraft:
    brand, model, prefix, base, colors, specs = r.choice(rows)
    specs = dict(specs)
    name = f"{prefix} {brand} {model}"
    if isinstance(specs.get("Switches"), list):
        switch = r.choice(specs["Switches"])
        specs["Switches"] = switch
        name += f" ({switch})"
    chosen = pick_some(r, colors, 1, len(colors))
    gamer = "gamer" in prefix.lower() or brand in GAMING_BRANDS or ("mecánico" in prefix and brand != "Keychron")
    opener, gamer_uses, other_uses = PERIPHERAL_TEXT[kind]
    highlights = [f"{key}: {value}" for key, value in specs.items()][:3]
    description = " ".join(
        [
            opener.format(model=model, brand=brand) + " " + r.choice(gamer_uses if gamer else other_uses) + ".",
            "Ficha rápida — " + "; ".join(highlights) + ".",
            f"Disponible en {', '.join(c.lower() for c in chosen[:-1])} y {chosen[-1].lower()}."
            if len(chosen) > 1
            else f"Color {chosen[0].lower()}.",
            r.choice(PERU_CLOSERS),
        ]
    )
    return ProductDraft(
        category=category,
        kind=kind,
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=retail(base * r.uniform(0.97, 1.03)),
        warranty=24 if brand in ("Logitech", "Keychron", "Sony") else 12,
        weight=kg({"keyboard": 1.2, "mouse": 0.35, "headphones": 0.7}[kind]),
        dims=cm(*{"keyboard": (48, 18, 6), "mouse": (18, 12, 6), "headphones": (24, 21, 10)}[kind]),
        variants=[VariantDraft([("color", c)]) for c in chosen],
        look=hex_of(chosen[0]),
        tags={"gamer"} if gamer else {"office"},
    )


def keyboard(r: random.Random) -> ProductDraft:
    return _peripheral(r, d.KEYBOARDS, "teclados", "keyboard")


def mouse(r: random.Random) -> ProductDraft:
    return _peripheral(r, d.MICE, "mouse", "mouse")


def headphones(r: random.Random) -> ProductDraft:
    return _peripheral(r, d.HEADPHONES, "audifonos", "headphones")


# --- hogar ------------------------------------------------------------------------------------

STRUCTURES = ["Madera tornillo", "Pino radiata tratado", "Eucalipto secado al horno"]
FILLINGS = ["Espuma de alta densidad D-28", "Espuma HR y fibra siliconada", "Espuma D-30 con plumón sintético"]


def _made_in(brand: str) -> str:
    return (
        "Perú"
        if brand
        in (
            "Casa Andina Muebles",
            "Maderas del Sur",
            "Tambo Diseño",
            "Qori Home",
            "Mobilia Lima",
            "Básicos Kallpa",
            "OfiPro",
        )
        else "China"
        if brand == "Ergoline"
        else "Chile"
    )


def _brand_premium(brand: str) -> float:
    return {
        "Casa Andina Muebles": 1.12,
        "Maderas del Sur": 1.08,
        "Tambo Diseño": 1.15,
        "Qori Home": 1.05,
        "Mobilia Lima": 1.0,
        "Nordik Home": 1.02,
        "Básicos Kallpa": 0.82,
        "OfiPro": 0.95,
        "Ergoline": 0.9,
    }.get(brand, 1.0)


def sofa(r: random.Random) -> ProductDraft:
    kind_name, base, dims, weight, seats = r.choice(d.SOFA_TYPES)
    place = r.choice(d.PLACES)
    brand = r.choice(d.HOME_BRANDS)
    colors = pick_some(r, d.SOFA_COLORS, 2, 4)
    first = r.randrange(0, 3)
    materials = d.SOFA_MATERIALS[first : first + r.choice([1, 1, 2])]
    if r.random() < 0.15:
        materials = [d.SOFA_MATERIALS[4], d.SOFA_MATERIALS[5]]  # leather line
    scale = 0.6 + 0.2 * seats
    variants = combine(colors_axis(colors), [("material", m, step(mod * scale)) for m, mod in materials])
    structure, filling = r.choice(STRUCTURES), r.choice(FILLINGS)
    specs = {
        "Plazas": str(seats),
        "Medidas": f"{dims[0]} × {dims[1]} × {dims[2]} cm",
        "Estructura": structure,
        "Relleno": filling,
        "Patas": r.choice(["Madera de capirona", "Metal negro mate", "Madera de haya"]),
        "Fundas": "Desenfundables" if r.random() < 0.4 else "Fijas",
        "Fabricado en": _made_in(brand),
    }
    if kind_name == "Sofá cama":
        specs["Cama"] = "Plaza y media al desplegar"
    description = " ".join(
        [
            sentence(
                r,
                f"El {lower_first(kind_name)} {place} de {brand} tiene líneas simples y un asiento profundo para toda "
                "la familia.",
                f"{kind_name} {place}: cómodo, resistente y fácil de combinar con cualquier sala.",
                f"Con el {lower_first(kind_name)} {place} tu sala gana un lugar cálido para conversar, leer o ver "
                "películas.",
            ),
            f"Estructura de {lower_first(structure)} y relleno de {lower_first(filling)}.",
            (f"Disponible en {len(colors)} colores" if len(colors) > 1 else f"En color {colors[0].lower()}")
            + (
                f" y tapiz de {lower_first(materials[0][0])} o {lower_first(materials[1][0])}."
                if len(materials) > 1
                else f", tapizado en {lower_first(materials[0][0])}."
            ),
            "Despacho e instalación en Lima; consulta el costo para provincias.",
        ]
    )
    tags = {"armchair"} if seats == 1 else {"sofa"}
    return ProductDraft(
        category="sofas",
        kind="sofa",
        brand=brand,
        name=f"{kind_name} {place}",
        description=description,
        specs=specs,
        price=retail(base * _brand_premium(brand) * r.uniform(0.92, 1.12)),
        warranty=r.choice([12, 24]),
        weight=kg(weight * r.uniform(0.9, 1.1)),
        dims=cm(*dims),
        variants=variants,
        look=hex_of(colors[0]),
        tags=tags,
    )


def dining_table(r: random.Random) -> ProductDraft:
    kind_name, seats, base, dims, weight = r.choice(d.DINING_TABLE_TYPES)
    place = r.choice(d.PLACES)
    brand = r.choice(d.HOME_BRANDS)
    glass = "vidrio" in kind_name
    wood, factor = ("Vidrio templado de 8 mm", 1.0) if glass else r.choice(d.TABLE_WOODS)
    colors = pick_some(r, ["Negro", "Blanco"] if glass else d.WOOD_COLORS, 1, 3)
    specs = {
        "Capacidad": f"{seats} personas",
        "Medidas": f"{dims[0]} × {dims[1]} × {dims[2]} cm",
        "Cubierta": wood,
        "Base": "Acero con pintura electrostática" if glass else f"Patas de {lower_first(wood)}",
        "Acabado": "Laca mate al agua" if not glass else "Marco metálico",
        "Armado": "Requiere armado sencillo (incluye herrajes)",
        "Fabricado en": _made_in(brand),
    }
    description = " ".join(
        [
            sentence(
                r,
                f"La mesa {place} reúne a {seats} personas alrededor de una cubierta de {lower_first(wood)}.",
                f"Mesa de comedor {place} para {seats}: sólida, fácil de limpiar y pensada para el día a día.",
            ),
            "Se extiende para recibir a más invitados."
            if "extensible" in kind_name
            else "Sus esquinas redondeadas la hacen segura para los más pequeños."
            if "redonda" in kind_name
            else "Un diseño atemporal que combina con sillas de madera o tapizadas.",
            "Despacho e instalación en Lima; consulta el costo para provincias.",
        ]
    )
    return ProductDraft(
        category="mesas-de-comedor",
        kind="dining_table",
        brand=brand,
        name=f"{kind_name} {place} para {seats} personas",
        description=description,
        specs=specs,
        price=retail(base * factor * _brand_premium(brand) * r.uniform(0.93, 1.1)),
        warranty=12,
        weight=kg(weight * (0.8 if glass else factor)),
        dims=cm(*dims),
        variants=[VariantDraft([("color", c)]) for c in colors],
        look=hex_of(colors[0]),
        tags={"six"} if seats == 6 else set(),  # the dining kit is "para seis": an 8-seater is not
    )


def coffee_table(r: random.Random) -> ProductDraft:
    kind_name, base, dims, weight = r.choice(d.COFFEE_TABLE_TYPES)
    place = r.choice(d.PLACES)
    brand = r.choice(d.HOME_BRANDS)
    wood, factor = r.choice(d.TABLE_WOODS)
    colors = pick_some(r, d.WOOD_COLORS, 1, 3)
    specs = {
        "Medidas": f"{dims[0]} × {dims[1]} × {dims[2]} cm",
        "Material": wood,
        "Acabado": "Laca mate",
        "Carga máxima": f"{r.choice([30, 40, 50])} kg",
        "Fabricado en": _made_in(brand),
    }
    description = " ".join(
        [
            f"La {lower_first(kind_name)} {place} completa tu sala con un toque cálido de {lower_first(wood)}.",
            "Su cubierta se eleva para trabajar o comer desde el sofá."
            if "elevable" in kind_name
            else "Tiene una repisa inferior para revistas, libros o el control remoto."
            if "repisa" in kind_name
            else "Fácil de mover y de combinar con tu sofá.",
            r.choice(PERU_CLOSERS),
        ]
    )
    return ProductDraft(
        category="mesas-de-centro",
        kind="coffee_table",
        brand=brand,
        name=f"{kind_name} {place}",
        description=description,
        specs=specs,
        price=retail(base * factor * _brand_premium(brand) * r.uniform(0.93, 1.1)),
        warranty=12,
        weight=kg(weight * factor),
        dims=cm(*dims),
        variants=[VariantDraft([("color", c)]) for c in colors],
        look=hex_of(colors[0]),
    )


def office_chair(r: random.Random) -> ProductDraft:
    kind_name, base, material, lumbar, arms, max_kg = r.choice(d.OFFICE_CHAIR_TYPES)
    gamer = kind_name == "Silla gamer"
    if gamer:
        brand = r.choice(d.GAMER_CHAIR_BRANDS)
        model = r.choice(d.GAMER_CHAIR_MODELS[brand])
        name = f"Silla gamer {brand} {model}"
        price = base * {"Razer": 2.4, "Corsair": 1.6, "Cougar": 1.3}.get(brand, 1.0)
        palette = ["Negro", "Rojo", "Azul", "Blanco", "Morado"]
    else:
        brand = r.choice(d.OFFICE_BRANDS)
        model = r.choice(d.OFFICE_CHAIR_MODELS)
        name = f"{kind_name} {model}"
        price = base * _brand_premium(brand)
        palette = ["Negro", "Gris", "Azul marino", "Blanco", "Verde oliva"]
    colors = pick_some(r, palette, 1, 3)
    if colors[0] != "Negro" and r.random() < 0.7:
        colors = ["Negro"] + [c for c in colors if c != "Negro"][:2]
    materials = [(material, ZERO)]
    if kind_name == "Silla ejecutiva" and r.random() < 0.5:
        materials.append(("Cuero genuino", Decimal("450.00")))
    variants = combine(colors_axis(colors), [("material", m, mod) for m, mod in materials])
    specs = {
        "Tapiz": material,
        "Soporte lumbar": lumbar,
        "Apoyabrazos": arms,
        "Pistón": "Clase 4 certificado SGS",
        "Base": r.choice(["Nylon reforzado de 5 puntas", "Aluminio pulido de 5 puntas"]),
        "Reclinación": "Hasta 155° con bloqueo" if gamer else r.choice(["Hasta 120°", "Hasta 135° con bloqueo"]),
        "Peso máximo": f"{max_kg} kg",
        "Ruedas": "PU de 60 mm, no rayan el piso",
    }
    description = " ".join(
        [
            sentence(
                r,
                f"La {lower_first(name)} acompaña tus jornadas largas con {lower_first(lumbar)} y apoyabrazos "
                f"{lower_first(arms)}.",
                f"{name}: una silla {'para maratones de juego' if gamer else 'para trabajar cómodo'} con pistón clase 4 "
                f"y capacidad de hasta {max_kg} kg.",
            ),
            "Tapiz de malla transpirable, ideal para el verano limeño."
            if material == "Malla"
            else f"Tapiz de {lower_first(material)} fácil de limpiar.",
            r.choice(PERU_CLOSERS),
        ]
    )
    return ProductDraft(
        category="sillas-de-oficina",
        kind="office_chair",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=retail(price * r.uniform(0.93, 1.1)),
        warranty=24 if gamer or base > 800 else 12,
        weight=kg(r.uniform(12, 24)),
        dims=cm(68, 66, r.choice([118, 125, 132])),
        variants=variants,
        look=hex_of(colors[0]),
        tags={"gamer"} if gamer else {"office"},
    )


def dining_chair(r: random.Random) -> ProductDraft:
    kind_name, base, material = r.choice(d.DINING_CHAIR_TYPES)
    place = r.choice(d.PLACES)
    brand = r.choice(d.HOME_BRANDS)
    upholstered = material in ("Tela lino", "Bouclé", "Cuero sintético")
    colors = pick_some(r, d.SOFA_COLORS if upholstered else d.WOOD_COLORS, 1, 3)
    variants = combine(colors_axis(colors), [("material", material, ZERO)])
    specs = {
        "Medidas": f"{r.choice([45, 48, 50])} × {r.choice([50, 52, 55])} × {r.choice([86, 90, 95])} cm",
        "Material": material if not upholstered else f"Estructura de madera, tapiz de {lower_first(material)}",
        "Altura del asiento": "46 cm",
        "Peso máximo": f"{r.choice([100, 110, 120])} kg",
        "Fabricado en": _made_in(brand),
    }
    description = " ".join(
        [
            f"La {lower_first(kind_name)} {place} suma estilo y comodidad a tu comedor.",
            "Su asiento acolchado invita a quedarse en la sobremesa."
            if upholstered
            else "Madera maciza con uniones reforzadas que duran años.",
            "Se vende por unidad; combínala con las mesas de la misma colección.",
        ]
    )
    return ProductDraft(
        category="sillas-de-comedor",
        kind="dining_chair",
        brand=brand,
        name=f"{kind_name} {place}",
        description=description,
        specs=specs,
        price=retail(base * _brand_premium(brand) * r.uniform(0.93, 1.1)),
        warranty=12,
        weight=kg(r.uniform(4, 8)),
        dims=cm(50, 55, 92),
        variants=variants,
        look=hex_of(colors[0]),
    )


def desk(r: random.Random) -> ProductDraft:
    kind_name, base, dims, weight, top, frame = r.choice(d.DESK_TYPES)
    place = r.choice(d.PLACES)
    gamer = "gamer" in kind_name
    brand = r.choice(d.OFFICE_BRANDS)
    colors = (["Negro"] + (["Blanco"] if r.random() < 0.4 else [])) if gamer else pick_some(r, d.WOOD_COLORS, 1, 3)
    specs = {
        "Medidas": f"{dims[0]} × {dims[1]} × {dims[2] if 'elevable' not in kind_name else '72–118'} cm",
        "Cubierta": top,
        "Estructura": frame,
        "Carga máxima": f"{r.choice([50, 60, 80, 100])} kg",
        "Armado": "Incluye herrajes e instructivo",
        "Fabricado en": _made_in(brand),
    }
    if "elevable" in kind_name:
        specs["Memorias de altura"] = "4 posiciones"
    description = " ".join(
        [
            sentence(
                r,
                f"El {lower_first(kind_name)} {place} te da espacio para la laptop, el monitor y tus cuadernos.",
                f"{kind_name} {place}: firme, amplio y fácil de armar.",
            ),
            "Alterna entre trabajar sentado y de pie con solo un botón."
            if "elevable" in kind_name
            else "Bandeja para cables y superficie amplia para tu setup completo."
            if gamer
            else "Un básico del home office que cabe incluso en departamentos pequeños.",
            r.choice(PERU_CLOSERS),
        ]
    )
    return ProductDraft(
        category="escritorios",
        kind="desk",
        brand=brand,
        name=f"{kind_name} {place}",
        description=description,
        specs=specs,
        price=retail(base * _brand_premium(brand) * r.uniform(0.93, 1.1)),
        warranty=12 if base < 1000 else 24,
        weight=kg(weight * r.uniform(0.9, 1.1)),
        dims=cm(*dims),
        variants=[VariantDraft([("color", c)]) for c in colors],
        look=hex_of(colors[0]),
        tags={"gamer"} if gamer else {"office"},
    )


# --- moda -------------------------------------------------------------------------------------

CARE = "Lavar a máquina en agua fría, no usar secadora, planchar al revés."


def _sizes(r: random.Random) -> list[str]:
    return d.APPAREL_SIZES if r.random() < 0.6 else d.APPAREL_SIZES[1:]


def hoodie(r: random.Random) -> ProductDraft:
    local = r.random() < 0.7
    fit = r.choice(["Oversize", "Oversize", "Regular"]) if local else "Regular"
    if local:
        brand = r.choice(d.LOCAL_STREET_BRANDS)
        design = r.choice(d.STREET_DESIGNS)
        name = f"Hoodie {fit} {design}"
        price = r.choice([129, 139, 149, 159, 169, 189])
        fabric = r.choice(["100% algodón french terry", "80% algodón peruano, 20% poliéster"])
    else:
        brand = r.choice(sorted(d.GLOBAL_HOODIES))
        model, price = r.choice(d.GLOBAL_HOODIES[brand])
        name = f"Hoodie {model}"
        design = model
        fabric = "80% algodón, 20% poliéster reciclado"
    colors = pick_some(r, d.APPAREL_COLORS, 1, 3)
    variants = combine(colors_axis(colors), [("size", s, ZERO) for s in _sizes(r)], [("fit", fit, ZERO)])
    specs = {
        "Material": fabric,
        "Gramaje": f"{r.choice([320, 350, 380, 420])} g/m²",
        "Corte": fit,
        "Capucha": "Doble capa con cordón",
        "Bolsillo": "Canguro",
        "Cuidado": CARE,
        "Hecho en": "Perú" if local else r.choice(["Vietnam", "Camboya", "Bangladés"]),
    }
    description = " ".join(
        [
            sentence(
                r,
                f"Hoodie {fit.lower()} de {brand} con el diseño {design} bordado al frente."
                if local
                else f"El clásico {model} de {brand}, suave por dentro y resistente al uso diario.",
                f"Un polerón {fit.lower()} para las mañanas frías de Lima y las noches en la sierra."
                if local
                else f"Polerón con capucha {brand}: comodidad de todos los días con el logo de siempre.",
            ),
            f"Confeccionado en {fabric.lower()}.",
            "Hecho en Lima por talleres de Gamarra." if local else "Producto original con garantía de la marca.",
            "Cambios de talla gratis en tienda hasta 30 días después de tu compra.",
        ]
    )
    return ProductDraft(
        category="hoodies",
        kind="hoodie",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=retail(price),
        warranty=3,
        weight=kg(0.65),
        dims=cm(35, 30, 6),
        variants=variants,
        look=hex_of(colors[0]),
        tags={"local"} if local else set(),
    )


def tshirt(r: random.Random) -> ProductDraft:
    local = r.random() < 0.65
    if local:
        brand = r.choice(d.LOCAL_STREET_BRANDS)
        design = r.choice(d.STREET_DESIGNS)
        fits = r.choice([["Regular"], ["Oversize"], ["Regular", "Oversize"], ["Slim"]])
        cut = {"Oversize": "oversize ", "Slim": "slim "}.get(fits[0], "") if len(fits) == 1 else ""
        name = f"Polo {cut}{design}"
        price = r.choice([59, 69, 79, 89, 99])
        fabric = r.choice(["100% algodón pima peruano", "100% algodón tanguis", "Algodón pima jersey 30/1"])
    else:
        brand = r.choice(sorted(d.GLOBAL_TEES))
        model, price = r.choice(d.GLOBAL_TEES[brand])
        name = f"Polo {model}"
        design = model
        fits = ["Regular"]
        fabric = "100% algodón"
    colors = pick_some(r, d.APPAREL_COLORS, 1, 2 if len(fits) > 1 else 3)
    variants = combine(
        colors_axis(colors),
        [("size", s, ZERO) for s in _sizes(r)],
        [("fit", f, Decimal("10.00") if f == "Oversize" and len(fits) > 1 else ZERO) for f in fits],
    )
    specs = {
        "Material": fabric,
        "Cuello": r.choice(["Redondo", "Redondo reforzado"]),
        "Corte": " / ".join(fits),
        "Estampado": "Serigrafía a base de agua" if local else "Logo estampado",
        "Cuidado": CARE,
        "Hecho en": "Perú" if local else r.choice(["Perú", "Honduras", "Vietnam"]),
    }
    description = " ".join(
        [
            f"Polo {design} de {brand} en {fabric.lower()}: fresco, suave y duradero."
            if local
            else f"El {model}: un básico de {brand} que combina con todo.",
            "El algodón pima peruano es de fibra extra larga: no se apelotona y mantiene el color lavado tras lavado."
            if "pima" in fabric
            else "Tejido de punto ligero para el verano.",
            "Elige entre corte regular u oversize." if len(fits) > 1 else "Cambios de talla gratis en tienda.",
        ]
    )
    return ProductDraft(
        category="polos",
        kind="tshirt",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=retail(price),
        warranty=3,
        weight=kg(0.25),
        dims=cm(30, 25, 3),
        variants=variants,
        look=hex_of(colors[0]),
        tags={"local"} if local else set(),
    )


def sneaker(r: random.Random) -> ProductDraft:
    brand, model, base, colorways = r.choice(d.SNEAKERS)
    colorway, color = r.choice(colorways)
    local = brand in d.LOCAL_STREET_BRANDS
    sizes = d.SHOE_SIZES if r.random() < 0.7 else d.SHOE_SIZES[:-1]
    variants = combine(colors_axis([color]), [("size", s, ZERO) for s in sizes])
    specs = {
        "Capellada": r.choice(["Cuero", "Cuero y gamuza", "Malla y cuero sintético", "Lona"])
        if brand != "Converse"
        else "Lona",
        "Suela": "Caucho vulcanizado" if brand in ("Vans", "Converse") else "Caucho",
        "Plantilla": "Acolchada, removible",
        "Uso": "Urbano",
        "Hecho en": "Perú" if local else r.choice(["Vietnam", "Indonesia", "China"]),
    }
    description = " ".join(
        [
            f"Las {brand} {model} en colorway «{colorway}»: "
            + r.choice(
                [
                    "un clásico que nunca pasa de moda.",
                    "comodidad para todo el día y estilo para toda la semana.",
                    "el par que combina con tus jeans, joggers y shorts.",
                ]
            ),
            "Diseñadas y fabricadas en Perú." if local else "Producto original, importado por Kallpa.",
            "Si dudas entre dos tallas, te recomendamos la mayor.",
        ]
    )
    line = LineDraft(
        name=f"{brand} {model}",
        category="zapatillas",
        manufacturer=brand,
        description=f"Las {brand} {model} en todos sus colorways disponibles en Kallpa.",
        base_specs={"Uso": "Urbano", "Tallas": "38 a 44 (EU)"},
    )
    return ProductDraft(
        category="zapatillas",
        kind="sneaker",
        brand=brand,
        name=f"Zapatillas {brand} {model} '{colorway}'",
        description=description,
        specs=specs,
        price=retail(base * r.uniform(0.97, 1.03)),
        warranty=6,
        weight=kg(0.95),
        dims=cm(34, 22, 13),
        variants=variants,
        look=hex_of(color),
        line=line,
        tags={"local"} if local else set(),
    )


def cap(r: random.Random) -> ProductDraft:
    local = r.random() < 0.6
    if local:
        brand = r.choice(d.LOCAL_STREET_BRANDS)
        cap_type, price = r.choice(d.CAP_TYPES)
        design = r.choice(d.STREET_DESIGNS)
        name = f"{cap_type} {design}"
    else:
        brand = r.choice(sorted(d.GLOBAL_CAPS))
        model, price = r.choice(d.GLOBAL_CAPS[brand])
        cap_type, design = model, model
        name = f"{model} " + r.choice(["Essential", "Logo", "Clásica", "Tonal"])
    colors = pick_some(r, d.CAP_COLORS, 1, 3)
    specs = {
        "Tipo": cap_type.replace("Gorra ", "").capitalize() if local else "Visera curva",
        "Material": r.choice(["100% algodón", "Algodón y poliéster", "Poliéster con malla trasera"]),
        "Cierre": "Ajustable (snapback)" if "snapback" in cap_type.lower() else "Correa ajustable",
        "Talla": "Única (54–60 cm)",
    }
    description = " ".join(
        [
            f"{name} de {brand}, con bordado frontal y ajuste cómodo.",
            "Protege del sol de verano sin perder estilo.",
            "Hecha en Perú." if local else "Producto original.",
        ]
    )
    return ProductDraft(
        category="gorras",
        kind="cap",
        brand=brand,
        name=name,
        description=description,
        specs=specs,
        price=retail(price * r.uniform(0.95, 1.08)),
        warranty=3,
        weight=kg(0.15),
        dims=cm(25, 20, 12),
        variants=[VariantDraft([("color", c)]) for c in colors],
        look=hex_of(colors[0]),
        tags={"local"} if local else set(),
    )


# --- the plan -----------------------------------------------------------------------------------

# Leaf category, share of products, generator, SKU prefix. Order matters: the first products of a
# load cover every leaf once, in this order, so even a tiny catalog has every kit's pieces.
PLAN: list[tuple[str, int, Callable[[random.Random], ProductDraft], str]] = [
    ("tarjetas-graficas", 10, gpu, "TG"),
    ("escritorios", 5, desk, "ES"),
    ("hoodies", 8, hoodie, "HD"),
    ("laptops", 9, laptop, "LP"),
    ("sillas-de-oficina", 5, office_chair, "SO"),
    ("polos", 8, tshirt, "PL"),
    ("monitores", 5, monitor, "MN"),
    ("sofas", 5, sofa, "SF"),
    ("zapatillas", 9, sneaker, "ZP"),
    ("teclados", 6, keyboard, "TC"),
    ("mesas-de-centro", 3, coffee_table, "MT"),
    ("gorras", 5, cap, "GR"),
    ("mouse", 4, mouse, "MS"),
    ("mesas-de-comedor", 3, dining_table, "MC"),
    ("audifonos", 4, headphones, "AU"),
    ("sillas-de-comedor", 3, dining_chair, "SC"),
]
SKU_PREFIX = {category: prefix for category, _, _, prefix in PLAN}
FAMILY_OF = {slug: family for slug, _, family, *_ in d.CATEGORIES}
