"""Static tables of the demo catalog: the tree, brands, option values and the model
tables the product generators draw from. Prices are in soles, IGV included."""

from __future__ import annotations

import unicodedata

# --- the tree ------------------------------------------------------------------------

FAMILIES = [
    {
        "slug": "tecnologia", "name": "Tecnología", "icon": "cpu",
        "description": "Tarjetas gráficas, laptops, monitores y periféricos para trabajar, estudiar y jugar, "
                       "con garantía oficial en Perú.",
    },
    {
        "slug": "hogar", "name": "Hogar", "icon": "home",
        "description": "Muebles para la sala, el comedor y tu home office, hechos por talleres peruanos y "
                       "marcas que cuidan el detalle.",
    },
    {
        "slug": "moda", "name": "Moda", "icon": "shirt",
        "description": "Streetwear de Lima para el mundo: hoodies, polos de algodón pima, zapatillas y gorras.",
    },
]

# slug, name, family, parent, icon, description. Parents come before their children.
CATEGORIES = [
    ("tarjetas-graficas", "Tarjetas gráficas", "tecnologia", None, "gpu",
     "GeForce RTX, Radeon RX e Intel Arc de los principales ensambladores."),
    ("laptops", "Laptops", "tecnologia", None, "laptop",
     "Laptops para la oficina, la universidad y el gaming."),
    ("perifericos", "Periféricos", "tecnologia", None, "mouse",
     "Teclados, mouse y audífonos para completar tu setup."),
    ("teclados", "Teclados", "tecnologia", "perifericos", "keyboard",
     "Teclados mecánicos y de membrana, con cable o inalámbricos."),
    ("mouse", "Mouse", "tecnologia", "perifericos", "mouse",
     "Mouse gamer y de oficina, con sensores precisos y diseños ergonómicos."),
    ("audifonos", "Audífonos", "tecnologia", "perifericos", "headphones",
     "Audífonos gamer, over-ear con cancelación de ruido e in-ear inalámbricos."),
    ("monitores", "Monitores", "tecnologia", None, "monitor",
     "Monitores Full HD, QHD y 4K, gamer y para productividad."),
    ("sofas", "Sofás", "hogar", None, "sofa",
     "Sofás de 2 y 3 cuerpos, seccionales y sofás cama."),
    ("mesas", "Mesas", "hogar", None, "table",
     "Mesas de comedor y de centro en madera, melamina y vidrio."),
    ("mesas-de-comedor", "Mesas de comedor", "hogar", "mesas", "table",
     "Mesas para 4, 6 y 8 personas."),
    ("mesas-de-centro", "Mesas de centro", "hogar", "mesas", "table",
     "Mesas de centro y auxiliares para la sala."),
    ("sillas", "Sillas", "hogar", None, "chair",
     "Sillas de oficina, gamer y de comedor."),
    ("sillas-de-oficina", "Sillas de oficina", "hogar", "sillas", "chair",
     "Sillas ergonómicas, ejecutivas y gamer para largas jornadas."),
    ("sillas-de-comedor", "Sillas de comedor", "hogar", "sillas", "chair",
     "Sillas de madera, tapizadas y de estilo nórdico."),
    ("escritorios", "Escritorios", "hogar", None, "desk",
     "Escritorios para home office, gamer y elevables."),
    ("hoodies", "Hoodies", "moda", None, "hoodie",
     "Hoodies y polerones de algodón, regulares y oversize."),
    ("polos", "Polos", "moda", None, "shirt",
     "Polos de algodón pima peruano y básicos de marca."),
    ("zapatillas", "Zapatillas", "moda", None, "sneaker",
     "Zapatillas urbanas de Nike, Adidas, New Balance y marcas locales."),
    ("gorras", "Gorras", "moda", None, "cap",
     "Gorras snapback, dad hat, trucker y de 5 paneles."),
]

# --- brands ----------------------------------------------------------------------------

# name, ISO country, logo colour, SKU code
BRANDS = [
    ("ASUS", "TW", "#101820", "ASU"),
    ("MSI", "TW", "#b3121f", "MSI"),
    ("Gigabyte", "TW", "#f26f21", "GIG"),
    ("Zotac", "HK", "#e8a317", "ZOT"),
    ("Sapphire", "HK", "#1d4e9e", "SAP"),
    ("PowerColor", "TW", "#9e1b20", "PWC"),
    ("XFX", "US", "#1e1e1e", "XFX"),
    ("ASRock", "TW", "#2b2b2b", "ASR"),
    ("Sparkle", "TW", "#0077c8", "SPK"),
    ("Lenovo", "CN", "#e2231a", "LEN"),
    ("HP", "US", "#0096d6", "HPX"),
    ("Dell", "US", "#007db8", "DEL"),
    ("Acer", "TW", "#83b81a", "ACE"),
    ("Logitech", "CH", "#00b8fc", "LOG"),
    ("Razer", "US", "#2f9c1f", "RAZ"),
    ("HyperX", "US", "#e31837", "HYX"),
    ("Corsair", "US", "#1a1a1a", "COR"),
    ("Redragon", "CN", "#c0151b", "RED"),
    ("Keychron", "HK", "#3c3c3c", "KEY"),
    ("Samsung", "KR", "#1428a0", "SAM"),
    ("LG", "KR", "#a50034", "LGE"),
    ("AOC", "TW", "#d7141a", "AOC"),
    ("ViewSonic", "US", "#522d80", "VSO"),
    ("Sony", "JP", "#111111", "SON"),
    ("JBL", "US", "#ff5a00", "JBL"),
    ("Cougar", "TW", "#f57c00", "COU"),
    ("Casa Andina Muebles", "PE", "#8c5a3c", "CAM"),
    ("Maderas del Sur", "PE", "#2e5e3e", "MDS"),
    ("Tambo Diseño", "PE", "#c0653a", "TAM"),
    ("Qori Home", "PE", "#c99a06", "QOR"),
    ("Mobilia Lima", "PE", "#1d5c63", "MOB"),
    ("OfiPro", "PE", "#37474f", "OFI"),
    ("Ergoline", "CN", "#546e7a", "ERG"),
    ("Nordik Home", "CL", "#7b8d93", "NOR"),
    ("Básicos Kallpa", "PE", "#e86a1c", "BAK"),
    ("Kallpa Street", "PE", "#e85d04", "KST"),
    ("Inti Wear", "PE", "#f2b705", "INT"),
    ("Wayra Urban", "PE", "#5e35b1", "WAY"),
    ("Chaski Club", "PE", "#2e7d32", "CHA"),
    ("Nike", "US", "#111111", "NIK"),
    ("Adidas", "DE", "#000000", "ADI"),
    ("New Balance", "US", "#cf0a2c", "NBL"),
    ("Puma", "DE", "#ba2b2b", "PUM"),
    ("Vans", "US", "#b71c1c", "VAN"),
    ("Converse", "US", "#222222", "CON"),
    ("New Era", "US", "#0c2340", "NEW"),
]
BRAND_CODES = {name: code for name, _, _, code in BRANDS}

# --- options -----------------------------------------------------------------------------

OPTIONS = [("capacity", "Capacidad", 10), ("color", "Color", 20), ("size", "Talla", 30), ("fit", "Corte", 40),
           ("material", "Material", 50)]

COLORS = {
    "Negro": "#1c1c1e", "Blanco": "#f2f2f0", "Gris": "#8a8d91", "Gris oscuro": "#4a4d52", "Gris perla": "#c9c9c4",
    "Grafito": "#3b3f45", "Plata": "#c0c4c8", "Azul marino": "#1f2a44", "Azul": "#2f6fde", "Celeste": "#8ec5e8",
    "Azul petróleo": "#1d5c63", "Rojo": "#c62828", "Guinda": "#6d1a2a", "Rosa palo": "#e8b4b8", "Lila": "#b39ddb",
    "Morado": "#5e35b1", "Verde oliva": "#6b7a3a", "Verde bosque": "#2e5e3e", "Verde menta": "#a8e6cf",
    "Beige": "#d8c3a5", "Crema": "#efe6d2", "Arena": "#c2b280", "Mostaza": "#d4a017", "Naranja": "#e86a1c",
    "Terracota": "#c0653a", "Marrón": "#5d4037", "Natural": "#d2b48c", "Roble claro": "#b8956a",
    "Nogal": "#6b4423", "Wengué": "#3e2a1e",
}
APPAREL_SIZES = ["XS", "S", "M", "L", "XL"]
SHOE_SIZES = ["38", "39", "40", "41", "42", "43", "44"]
SIZES = APPAREL_SIZES + SHOE_SIZES
FITS = ["Regular", "Oversize", "Slim"]
MATERIALS = ["Tela lino", "Chenille", "Terciopelo", "Bouclé", "Cuero sintético", "Cuero genuino", "Malla",
             "Madera maciza", "Melamina", "Vidrio templado"]
CAPACITIES = ["8 GB", "12 GB", "16 GB", "24 GB", "32 GB", "256 GB", "512 GB", "1 TB", "2 TB"]

OPTION_VALUES = {
    "capacity": CAPACITIES,
    "color": list(COLORS),
    "size": SIZES,
    "fit": FITS,
    "material": MATERIALS,
}


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def value_code(option: str, value: str) -> str:
    """The part of a variant SKU that names one option value: NEG, AZUM, XL, 16G, 1T, OVE, CUES."""
    if option == "capacity":
        number, unit = value.split()
        return number + unit[0]
    if option == "size":
        return value
    words = _ascii(value).upper().split()
    return words[0][:3] + "".join(word[0] for word in words[1:])


def _check_codes() -> None:
    for option, values in OPTION_VALUES.items():
        codes = [value_code(option, value) for value in values]
        assert len(codes) == len(set(codes)), f"duplicate SKU codes for {option}: {codes}"


_check_codes()

# --- tecnología -------------------------------------------------------------------------------

# key, manufacturer, chip, memory, bus, interface, boost MHz, power, psu W, base price, arch, resolution,
# memory variants [(capacity, modifier)] or None
GPU_LINES = [
    ("RTX 4060", "NVIDIA", "GeForce RTX 4060", "8 GB GDDR6", "128 bits", "PCIe 4.0 x8", 2460, "1× 8 pines", 550,
     1299, "Ada Lovelace", "1080p", None),
    ("RTX 4060 Ti", "NVIDIA", "GeForce RTX 4060 Ti", "GDDR6", "128 bits", "PCIe 4.0 x8", 2535, "1× 8 pines", 550,
     1799, "Ada Lovelace", "1080p y 1440p", [("8 GB", 0), ("16 GB", 380)]),
    ("RTX 4070", "NVIDIA", "GeForce RTX 4070", "12 GB GDDR6X", "192 bits", "PCIe 4.0 x16", 2475, "1× 8 pines", 650,
     2699, "Ada Lovelace", "1440p", None),
    ("RTX 4070 SUPER", "NVIDIA", "GeForce RTX 4070 SUPER", "12 GB GDDR6X", "192 bits", "PCIe 4.0 x16", 2475,
     "1× 16 pines (12VHPWR)", 650, 2999, "Ada Lovelace", "1440p", None),
    ("RTX 4070 Ti SUPER", "NVIDIA", "GeForce RTX 4070 Ti SUPER", "16 GB GDDR6X", "256 bits", "PCIe 4.0 x16", 2610,
     "1× 16 pines (12VHPWR)", 750, 3899, "Ada Lovelace", "1440p y 4K", None),
    ("RTX 4080 SUPER", "NVIDIA", "GeForce RTX 4080 SUPER", "16 GB GDDR6X", "256 bits", "PCIe 4.0 x16", 2550,
     "1× 16 pines (12VHPWR)", 750, 4999, "Ada Lovelace", "4K", None),
    ("RTX 4090", "NVIDIA", "GeForce RTX 4090", "24 GB GDDR6X", "384 bits", "PCIe 4.0 x16", 2520,
     "1× 16 pines (12VHPWR)", 850, 8999, "Ada Lovelace", "4K", None),
    ("RTX 5060 Ti", "NVIDIA", "GeForce RTX 5060 Ti", "GDDR7", "128 bits", "PCIe 5.0 x8", 2572, "1× 8 pines", 600,
     1899, "Blackwell", "1080p y 1440p", [("8 GB", 0), ("16 GB", 340)]),
    ("RTX 5070", "NVIDIA", "GeForce RTX 5070", "12 GB GDDR7", "192 bits", "PCIe 5.0 x16", 2512,
     "1× 16 pines (12V-2x6)", 650, 2999, "Blackwell", "1440p", None),
    ("RTX 5070 Ti", "NVIDIA", "GeForce RTX 5070 Ti", "16 GB GDDR7", "256 bits", "PCIe 5.0 x16", 2452,
     "1× 16 pines (12V-2x6)", 750, 4299, "Blackwell", "1440p y 4K", None),
    ("RTX 5080", "NVIDIA", "GeForce RTX 5080", "16 GB GDDR7", "256 bits", "PCIe 5.0 x16", 2617,
     "1× 16 pines (12V-2x6)", 850, 5799, "Blackwell", "4K", None),
    ("RTX 5090", "NVIDIA", "GeForce RTX 5090", "32 GB GDDR7", "512 bits", "PCIe 5.0 x16", 2407,
     "1× 16 pines (12V-2x6)", 1000, 11999, "Blackwell", "4K", None),
    ("RX 7600", "AMD", "Radeon RX 7600", "8 GB GDDR6", "128 bits", "PCIe 4.0 x8", 2655, "1× 8 pines", 550,
     1149, "RDNA 3", "1080p", None),
    ("RX 7700 XT", "AMD", "Radeon RX 7700 XT", "12 GB GDDR6", "192 bits", "PCIe 4.0 x16", 2544, "2× 8 pines", 700,
     1899, "RDNA 3", "1440p", None),
    ("RX 7800 XT", "AMD", "Radeon RX 7800 XT", "16 GB GDDR6", "256 bits", "PCIe 4.0 x16", 2430, "2× 8 pines", 700,
     2299, "RDNA 3", "1440p", None),
    ("RX 7900 XTX", "AMD", "Radeon RX 7900 XTX", "24 GB GDDR6", "384 bits", "PCIe 4.0 x16", 2500, "2× 8 pines", 800,
     4299, "RDNA 3", "4K", None),
    ("RX 9070 XT", "AMD", "Radeon RX 9070 XT", "16 GB GDDR6", "256 bits", "PCIe 5.0 x16", 2970, "2× 8 pines", 750,
     3099, "RDNA 4", "1440p y 4K", None),
    ("Arc B580", "Intel", "Arc B580", "12 GB GDDR6", "192 bits", "PCIe 4.0 x8", 2670, "1× 8 pines", 600,
     1099, "Xe2 (Battlemage)", "1080p y 1440p", None),
]

# brand: [(series, price premium, fans, white edition available)]
GPU_PARTNERS = {
    "NVIDIA": {
        "ASUS": [("Dual", 0.00, 2, True), ("Prime", 0.03, 3, False), ("TUF Gaming", 0.07, 3, False),
                 ("ROG Strix", 0.16, 3, True)],
        "MSI": [("Ventus 2X", 0.00, 2, True), ("Ventus 3X", 0.03, 3, False), ("Gaming X Slim", 0.07, 3, True),
                ("Gaming X Trio", 0.09, 3, True), ("Suprim X", 0.15, 3, False)],
        "Gigabyte": [("Windforce", 0.00, 3, False), ("Eagle", 0.02, 3, True), ("Gaming OC", 0.07, 3, False),
                     ("Aero", 0.09, 3, True), ("Aorus Master", 0.17, 3, False)],
        "Zotac": [("Twin Edge", 0.00, 2, True), ("Trinity", 0.05, 3, True), ("AMP Extreme", 0.12, 3, False)],
    },
    "AMD": {
        "ASUS": [("Dual", 0.01, 2, False), ("TUF Gaming", 0.08, 3, False)],
        "Sapphire": [("Pulse", 0.02, 2, False), ("Pure", 0.06, 3, True), ("Nitro+", 0.12, 3, False)],
        "PowerColor": [("Fighter", 0.00, 2, False), ("Hellhound", 0.04, 3, True), ("Red Devil", 0.12, 3, False)],
        "XFX": [("Swift", 0.01, 3, True), ("Speedster Merc 310", 0.08, 3, False)],
        "Gigabyte": [("Gaming OC", 0.06, 3, False)],
    },
    "Intel": {
        "ASRock": [("Challenger", 0.00, 2, False), ("Steel Legend", 0.06, 2, True)],
        "Sparkle": [("Titan", 0.04, 3, False)],
        "Gigabyte": [("Gaming OC", 0.05, 2, False)],
    },
}

# brand, series, segment, base price, screen, weight kg, colour choices
LAPTOP_SERIES = [
    ("Lenovo", "IdeaPad Slim 3", "hogar", 1999, "15.6\" Full HD IPS", 1.62, ["Gris ártico"]),
    ("Lenovo", "IdeaPad Slim 5", "premium", 2899, "14\" WUXGA OLED", 1.46, ["Gris ártico", "Azul abismo"]),
    ("Lenovo", "ThinkPad E14", "negocios", 3499, "14\" WUXGA IPS antirreflejo", 1.41, ["Negro"]),
    ("Lenovo", "Yoga Slim 7", "premium", 4299, "14.5\" 3K OLED 120 Hz", 1.28, ["Gris ártico"]),
    ("Lenovo", "LOQ 15", "gamer", 3699, "15.6\" Full HD IPS 144 Hz", 2.38, ["Gris luna"]),
    ("Lenovo", "Legion 5", "gamer", 6299, "16\" WQXGA IPS 165 Hz", 2.40, ["Gris luna"]),
    ("HP", "250 G10", "hogar", 1799, "15.6\" Full HD", 1.74, ["Plata"]),
    ("HP", "Pavilion 15", "hogar", 2599, "15.6\" Full HD IPS", 1.75, ["Plata", "Azul"]),
    ("HP", "EliteBook 840 G11", "negocios", 5299, "14\" WUXGA IPS", 1.36, ["Plata"]),
    ("HP", "Victus 15", "gamer", 3499, "15.6\" Full HD IPS 144 Hz", 2.29, ["Azul marino", "Plata"]),
    ("HP", "Omen 16", "gamer", 6799, "16.1\" QHD IPS 240 Hz", 2.35, ["Negro"]),
    ("ASUS", "Vivobook 15", "hogar", 1999, "15.6\" Full HD", 1.70, ["Plata", "Azul"]),
    ("ASUS", "Zenbook 14 OLED", "premium", 4499, "14\" 3K OLED 120 Hz", 1.20, ["Azul", "Blanco"]),
    ("ASUS", "TUF Gaming A15", "gamer", 3999, "15.6\" Full HD IPS 144 Hz", 2.20, ["Grafito"]),
    ("ASUS", "ROG Strix G16", "gamer", 7299, "16\" QHD+ IPS 240 Hz", 2.50, ["Gris oscuro"]),
    ("Acer", "Aspire 5", "hogar", 2299, "15.6\" Full HD IPS", 1.76, ["Plata"]),
    ("Acer", "Nitro V 15", "gamer", 3399, "15.6\" Full HD IPS 144 Hz", 2.10, ["Negro"]),
    ("Acer", "Predator Helios Neo 16", "gamer", 6599, "16\" WQXGA IPS 240 Hz", 2.60, ["Negro"]),
    ("Dell", "Inspiron 15", "hogar", 2499, "15.6\" Full HD 120 Hz", 1.65, ["Plata", "Negro"]),
    ("Dell", "Latitude 5450", "negocios", 4899, "14\" Full HD IPS", 1.44, ["Grafito"]),
    ("Dell", "G15", "gamer", 4399, "15.6\" Full HD 165 Hz", 2.65, ["Grafito"]),
    ("MSI", "Thin GF63", "gamer", 3199, "15.6\" Full HD IPS 144 Hz", 1.86, ["Negro"]),
    ("MSI", "Katana 15", "gamer", 4599, "15.6\" Full HD IPS 144 Hz", 2.25, ["Negro"]),
    ("MSI", "Modern 14", "hogar", 1899, "14\" Full HD IPS", 1.40, ["Gris oscuro", "Beige"]),
]
# Marketing colour names map onto the store's colour values.
LAPTOP_COLOR_VALUES = {"Gris ártico": "Gris perla", "Azul abismo": "Azul marino", "Gris luna": "Grafito"}

LAPTOP_CPUS = {
    "hogar": [("Intel Core i3-1315U", 0), ("Intel Core i5-1335U", 350), ("AMD Ryzen 5 7530U", 250),
              ("AMD Ryzen 7 7730U", 550), ("Intel Core 5 120U", 450), ("Intel Core i7-1355U", 750)],
    "premium": [("Intel Core Ultra 5 125H", 0), ("Intel Core Ultra 7 155H", 600), ("AMD Ryzen 7 8845HS", 450),
                ("Intel Core Ultra 7 258V", 900)],
    "negocios": [("Intel Core i5-1345U vPro", 0), ("Intel Core Ultra 5 135U", 450), ("Intel Core Ultra 7 165U", 1100),
                 ("AMD Ryzen 7 PRO 7840U", 650)],
    "gamer": [("Intel Core i5-12450HX", 0), ("Intel Core i7-13650HX", 700), ("AMD Ryzen 7 7840HS", 600),
              ("Intel Core i9-14900HX", 1800), ("AMD Ryzen 9 8945HS", 1400), ("Intel Core i7-14700HX", 1100)],
}
LAPTOP_RAM = {"hogar": [("8 GB", 0), ("16 GB", 250)], "premium": [("16 GB", 0), ("32 GB", 700)],
              "negocios": [("16 GB", 0), ("32 GB", 650)], "gamer": [("16 GB", 0), ("32 GB", 600)]}
LAPTOP_GPUS = [("RTX 3050 6 GB", 0), ("RTX 4050 6 GB", 500), ("RTX 4060 8 GB", 1000), ("RTX 5060 8 GB", 1300),
               ("RTX 4070 8 GB", 2200), ("RTX 5070 Ti 12 GB", 3600)]
LAPTOP_STORAGE = [("512 GB", 0), ("1 TB", 290), ("2 TB", 790)]

# brand, model, kind ("gamer", "oficina", "creativo"), size in, resolution, panel, Hz, price, white option
MONITORS = [
    ("Samsung", "Odyssey G3", "gamer", 24, "Full HD", "VA", 180, 749, False),
    ("Samsung", "Odyssey G5", "gamer", 27, "QHD", "VA", 165, 1199, False),
    ("Samsung", "Odyssey G7", "gamer", 28, "4K UHD", "IPS", 144, 2499, False),
    ("Samsung", "Odyssey OLED G8", "gamer", 34, "UWQHD", "QD-OLED", 175, 4999, False),
    ("Samsung", "ViewFinity S6", "oficina", 27, "QHD", "IPS", 100, 1099, False),
    ("Samsung", "Essential S3", "oficina", 24, "Full HD", "IPS", 100, 449, True),
    ("LG", "UltraGear 24GS60F", "gamer", 24, "Full HD", "IPS", 180, 649, False),
    ("LG", "UltraGear 27GR75Q", "gamer", 27, "QHD", "IPS", 165, 1299, False),
    ("LG", "UltraGear 27GS95QE", "gamer", 27, "QHD", "OLED", 240, 3899, False),
    ("LG", "UltraWide 29WQ600", "oficina", 29, "WFHD 2560×1080", "IPS", 100, 899, False),
    ("LG", "UltraFine 27UP850", "creativo", 27, "4K UHD", "IPS", 60, 1899, True),
    ("ASUS", "TUF Gaming VG249Q3A", "gamer", 24, "Full HD", "IPS", 180, 629, False),
    ("ASUS", "TUF Gaming VG27AQ3A", "gamer", 27, "QHD", "IPS", 180, 1149, False),
    ("ASUS", "ROG Strix XG27ACS", "gamer", 27, "QHD", "IPS", 180, 1499, False),
    ("ASUS", "ProArt PA278QV", "creativo", 27, "QHD", "IPS", 75, 1599, False),
    ("MSI", "G244F E2", "gamer", 24, "Full HD", "IPS", 180, 549, False),
    ("MSI", "MAG 274QRF QD E2", "gamer", 27, "QHD", "Rapid IPS", 180, 1249, False),
    ("MSI", "MAG 321UP QD-OLED", "gamer", 32, "4K UHD", "QD-OLED", 165, 4599, False),
    ("Gigabyte", "G24F 2", "gamer", 24, "Full HD", "SS IPS", 180, 599, False),
    ("Gigabyte", "M27Q", "gamer", 27, "QHD", "SS IPS", 170, 1199, False),
    ("AOC", "24G4", "gamer", 24, "Full HD", "IPS", 180, 579, False),
    ("AOC", "Q27G3XMN", "gamer", 27, "QHD", "VA Mini LED", 180, 1149, False),
    ("Dell", "SE2425H", "oficina", 24, "Full HD", "VA", 75, 399, False),
    ("Dell", "P2725H", "oficina", 27, "Full HD", "IPS", 100, 999, False),
    ("Dell", "S2725DS", "oficina", 27, "QHD", "IPS", 100, 1099, True),
    ("Lenovo", "ThinkVision T24i-30", "oficina", 24, "Full HD", "IPS", 60, 799, False),
    ("HP", "M24f", "oficina", 24, "Full HD", "IPS", 75, 499, True),
    ("HP", "Omen 27qs", "gamer", 27, "QHD", "IPS", 240, 1599, False),
    ("Samsung", "Odyssey G5 32", "gamer", 32, "QHD", "VA curvo", 165, 1399, False),
    ("LG", "UltraGear 32GS75Q", "gamer", 32, "QHD", "IPS", 180, 1699, False),
    ("Lenovo", "Legion R27qe", "gamer", 27, "QHD", "IPS", 180, 1199, False),
    ("Acer", "Nitro KG241Y", "gamer", 24, "Full HD", "VA", 180, 499, False),
    ("ViewSonic", "VA2432-H", "oficina", 24, "Full HD", "IPS", 100, 429, False),
    ("Dell", "U2724D UltraSharp", "creativo", 27, "QHD", "IPS Black", 120, 2199, False),
]
MONITOR_PIXELS = {"Full HD": "1920×1080", "QHD": "2560×1440", "4K UHD": "3840×2160", "UWQHD": "3440×1440",
                  "WFHD 2560×1080": "2560×1080"}

# brand, model, prefix, price, colours, specs
KEYBOARDS = [
    ("Logitech", "G413 SE", "Teclado mecánico", 249, ["Negro"],
     {"Tipo": "Mecánico", "Switches": "Táctiles", "Formato": "Full size", "Conexión": "USB",
      "Iluminación": "LED blanca"}),
    ("Logitech", "G Pro X TKL Lightspeed", "Teclado mecánico inalámbrico", 799, ["Negro", "Blanco", "Rosa palo"],
     {"Tipo": "Mecánico", "Switches": ["GX Brown táctiles", "GX Red lineales", "GX Blue clicky"], "Formato": "TKL",
      "Conexión": "Lightspeed 2.4 GHz, Bluetooth, USB-C", "Iluminación": "RGB Lightsync"}),
    ("Logitech", "MX Keys S", "Teclado inalámbrico", 449, ["Grafito", "Gris perla"],
     {"Tipo": "Membrana de perfil bajo", "Formato": "Full size", "Conexión": "Bluetooth, receptor Logi Bolt",
      "Iluminación": "Retroiluminación inteligente", "Batería": "Hasta 10 días"}),
    ("Logitech", "POP Keys", "Teclado mecánico inalámbrico", 279, ["Negro", "Rosa palo", "Lila"],
     {"Tipo": "Mecánico", "Formato": "Compacto", "Conexión": "Bluetooth, Logi Bolt",
      "Teclas": "Emoji personalizables"}),
    ("Logitech", "K380", "Teclado Bluetooth multidispositivo", 149, ["Grafito", "Blanco", "Rosa palo"],
     {"Tipo": "Membrana", "Formato": "Compacto", "Conexión": "Bluetooth (3 dispositivos)",
      "Batería": "Hasta 24 meses"}),
    ("Razer", "BlackWidow V4", "Teclado mecánico", 699, ["Negro"],
     {"Tipo": "Mecánico", "Switches": ["Razer Green", "Razer Yellow"], "Formato": "Full size", "Conexión": "USB",
      "Iluminación": "Razer Chroma RGB"}),
    ("Razer", "Huntsman Mini", "Teclado óptico 60%", 449, ["Negro", "Blanco"],
     {"Tipo": "Óptico-mecánico", "Switches": "Razer Red lineales", "Formato": "60%", "Conexión": "USB-C",
      "Iluminación": "Razer Chroma RGB"}),
    ("Razer", "Ornata V3", "Teclado mecamembrana", 299, ["Negro"],
     {"Tipo": "Mecamembrana", "Formato": "Full size", "Conexión": "USB", "Iluminación": "RGB de 10 zonas"}),
    ("HyperX", "Alloy Origins Core", "Teclado mecánico", 399, ["Negro"],
     {"Tipo": "Mecánico", "Switches": ["HyperX Red", "HyperX Aqua", "HyperX Blue"], "Formato": "TKL",
      "Conexión": "USB-C desmontable", "Iluminación": "RGB"}),
    ("HyperX", "Alloy Origins 65", "Teclado mecánico", 429, ["Negro", "Blanco"],
     {"Tipo": "Mecánico", "Switches": "HyperX Aqua táctiles", "Formato": "65%", "Conexión": "USB-C",
      "Iluminación": "RGB"}),
    ("Corsair", "K70 RGB Pro", "Teclado mecánico", 699, ["Negro"],
     {"Tipo": "Mecánico", "Switches": ["Cherry MX Red", "Cherry MX Speed", "Cherry MX Brown"],
      "Formato": "Full size", "Conexión": "USB", "Iluminación": "RGB por tecla"}),
    ("Corsair", "K65 Plus Wireless", "Teclado mecánico inalámbrico", 699, ["Negro", "Blanco"],
     {"Tipo": "Mecánico", "Switches": "Corsair MLX Red", "Formato": "75%",
      "Conexión": "Slipstream 2.4 GHz, Bluetooth, USB-C", "Iluminación": "RGB"}),
    ("Redragon", "Kumara K552", "Teclado mecánico", 159, ["Negro", "Blanco"],
     {"Tipo": "Mecánico", "Switches": ["Outemu Blue", "Outemu Red", "Outemu Brown"], "Formato": "TKL",
      "Conexión": "USB", "Iluminación": "LED roja"}),
    ("Redragon", "Fizz K617", "Teclado mecánico 60%", 149, ["Negro", "Blanco", "Rosa palo"],
     {"Tipo": "Mecánico", "Switches": ["Outemu Red", "Outemu Blue"], "Formato": "60%", "Conexión": "USB-C",
      "Iluminación": "RGB"}),
    ("Keychron", "K2 Pro", "Teclado mecánico inalámbrico", 449, ["Gris oscuro"],
     {"Tipo": "Mecánico hot-swap", "Switches": ["K Pro Red", "K Pro Brown", "K Pro Banana"], "Formato": "75%",
      "Conexión": "Bluetooth 5.1, USB-C", "Compatibilidad": "Windows y macOS"}),
    ("Keychron", "Q1 Max", "Teclado mecánico premium", 949, ["Negro", "Azul marino"],
     {"Tipo": "Mecánico hot-swap, chasis de aluminio",
      "Switches": ["Gateron Jupiter Red", "Gateron Jupiter Brown", "Gateron Jupiter Banana"], "Formato": "75%",
      "Conexión": "2.4 GHz, Bluetooth, USB-C"}),
    ("Logitech", "G915 X Lightspeed TKL", "Teclado mecánico inalámbrico", 999, ["Negro", "Blanco"],
     {"Tipo": "Mecánico de perfil bajo", "Switches": ["GL Tactile", "GL Linear", "GL Clicky"], "Formato": "TKL",
      "Conexión": "Lightspeed 2.4 GHz, Bluetooth", "Iluminación": "RGB Lightsync"}),
    ("Logitech", "Signature K650", "Teclado inalámbrico", 179, ["Grafito", "Blanco", "Rosa palo"],
     {"Tipo": "Membrana", "Formato": "Full size con reposamuñecas", "Conexión": "Bluetooth, Logi Bolt",
      "Batería": "Hasta 36 meses"}),
    ("Razer", "BlackWidow V4 75%", "Teclado mecánico", 899, ["Negro", "Blanco"],
     {"Tipo": "Mecánico hot-swap", "Switches": "Razer Orange táctiles", "Formato": "75%", "Conexión": "USB-C",
      "Iluminación": "Razer Chroma RGB"}),
    ("Razer", "DeathStalker V2 Pro", "Teclado óptico inalámbrico", 999, ["Negro"],
     {"Tipo": "Óptico de perfil bajo", "Switches": ["Razer Red lineales", "Razer Purple clicky"],
      "Formato": "Full size", "Conexión": "HyperSpeed 2.4 GHz, Bluetooth, USB-C"}),
    ("HyperX", "Alloy Rise 75", "Teclado mecánico", 749, ["Gris oscuro"],
     {"Tipo": "Mecánico hot-swap, placa de aluminio", "Switches": "HyperX Linear", "Formato": "75%",
      "Conexión": "USB-C", "Iluminación": "RGB"}),
    ("Corsair", "K55 Core", "Teclado gamer", 229, ["Negro", "Gris"],
     {"Tipo": "Membrana silenciosa", "Formato": "Full size", "Conexión": "USB", "Iluminación": "RGB de 10 zonas"}),
    ("Redragon", "Draconic K530 Pro", "Teclado mecánico inalámbrico", 219, ["Negro", "Blanco"],
     {"Tipo": "Mecánico", "Switches": ["Outemu Red", "Outemu Brown"], "Formato": "60%",
      "Conexión": "Bluetooth, 2.4 GHz, USB-C", "Iluminación": "RGB"}),
    ("Keychron", "V1 Max", "Teclado mecánico inalámbrico", 399, ["Gris oscuro", "Blanco"],
     {"Tipo": "Mecánico hot-swap", "Switches": ["Gateron Jupiter Red", "Gateron Jupiter Brown"],
      "Formato": "75% con perilla", "Conexión": "2.4 GHz, Bluetooth, USB-C"}),
    ("ASUS", "ROG Strix Scope II 96", "Teclado mecánico inalámbrico", 699, ["Negro"],
     {"Tipo": "Mecánico hot-swap", "Switches": ["ROG NX Snow", "ROG NX Storm"], "Formato": "96%",
      "Conexión": "SpeedNova 2.4 GHz, Bluetooth, USB-C", "Iluminación": "Aura Sync RGB"}),
    ("ASUS", "ROG Falchion Ace", "Teclado mecánico 65%", 549, ["Negro", "Blanco"],
     {"Tipo": "Mecánico", "Switches": ["ROG NX Red", "ROG NX Blue"], "Formato": "65% con panel táctil",
      "Conexión": "USB-C doble"}),
]
MICE = [
    ("Logitech", "G203 Lightsync", "Mouse gamer", 99, ["Negro", "Blanco", "Lila"],
     {"Sensor": "Óptico 8 000 DPI", "Conexión": "USB", "Botones": "6 programables", "Peso": "85 g"}),
    ("Logitech", "G502 Hero", "Mouse gamer", 219, ["Negro"],
     {"Sensor": "HERO 25K", "Conexión": "USB", "Botones": "11 programables", "Peso": "121 g (pesas ajustables)"}),
    ("Logitech", "G305 Lightspeed", "Mouse gamer inalámbrico", 179, ["Negro", "Blanco", "Lila", "Verde menta"],
     {"Sensor": "HERO 12K", "Conexión": "Lightspeed 2.4 GHz", "Batería": "Hasta 250 h con una pila AA",
      "Peso": "99 g"}),
    ("Logitech", "G Pro X Superlight 2", "Mouse gamer inalámbrico", 599, ["Negro", "Blanco", "Rosa palo"],
     {"Sensor": "HERO 2 de 32 000 DPI", "Conexión": "Lightspeed 2.4 GHz", "Peso": "60 g",
      "Batería": "Hasta 95 h"}),
    ("Logitech", "MX Master 3S", "Mouse inalámbrico ergonómico", 449, ["Grafito", "Gris perla"],
     {"Sensor": "Darkfield 8 000 DPI", "Conexión": "Bluetooth, Logi Bolt", "Clics": "Silenciosos",
      "Batería": "Hasta 70 días"}),
    ("Logitech", "M170", "Mouse inalámbrico", 39, ["Gris", "Azul", "Rojo"],
     {"Sensor": "Óptico 1 000 DPI", "Conexión": "Receptor USB 2.4 GHz", "Batería": "Hasta 12 meses"}),
    ("Logitech", "Pebble 2 M350s", "Mouse Bluetooth", 99, ["Grafito", "Blanco", "Rosa palo"],
     {"Sensor": "Óptico 4 000 DPI", "Conexión": "Bluetooth", "Clics": "Silenciosos",
      "Batería": "Hasta 24 meses"}),
    ("Razer", "DeathAdder V3", "Mouse gamer", 349, ["Negro", "Blanco"],
     {"Sensor": "Focus Pro 30K", "Conexión": "USB", "Peso": "59 g", "Switches": "Ópticos Gen-3"}),
    ("Razer", "Basilisk V3", "Mouse gamer", 279, ["Negro"],
     {"Sensor": "Focus+ 26K", "Conexión": "USB", "Botones": "11 programables", "Iluminación": "Chroma RGB"}),
    ("Razer", "Viper V3 Pro", "Mouse gamer inalámbrico", 699, ["Negro", "Blanco"],
     {"Sensor": "Focus Pro 35K Gen-2", "Conexión": "HyperSpeed 2.4 GHz", "Peso": "54 g",
      "Tasa de sondeo": "Hasta 8 000 Hz"}),
    ("HyperX", "Pulsefire Haste 2", "Mouse gamer", 229, ["Negro", "Blanco"],
     {"Sensor": "26K DPI", "Conexión": "USB", "Peso": "53 g"}),
    ("Corsair", "M75 Air", "Mouse gamer inalámbrico", 549, ["Negro", "Blanco"],
     {"Sensor": "Marksman II 26K", "Conexión": "Slipstream 2.4 GHz, Bluetooth", "Peso": "60 g"}),
    ("Redragon", "Cobra M711", "Mouse gamer", 79, ["Negro", "Blanco"],
     {"Sensor": "Óptico 10 000 DPI", "Conexión": "USB", "Botones": "7 programables", "Iluminación": "RGB"}),
    ("Redragon", "Griffin M607", "Mouse gamer", 59, ["Negro"],
     {"Sensor": "Óptico 7 200 DPI", "Conexión": "USB", "Botones": "6", "Iluminación": "RGB"}),
    ("Logitech", "G705", "Mouse gamer inalámbrico compacto", 279, ["Blanco"],
     {"Sensor": "8 200 DPI", "Conexión": "Lightspeed 2.4 GHz, Bluetooth", "Peso": "85 g",
      "Iluminación": "RGB Lightsync"}),
    ("Logitech", "Lift Vertical", "Mouse vertical ergonómico", 299, ["Grafito", "Rosa palo", "Gris perla"],
     {"Sensor": "4 000 DPI", "Conexión": "Bluetooth, Logi Bolt", "Ángulo": "57°", "Clics": "Silenciosos"}),
    ("Logitech", "M240 Silent", "Mouse Bluetooth", 79, ["Grafito", "Rosa palo", "Blanco"],
     {"Sensor": "Óptico 4 000 DPI", "Conexión": "Bluetooth", "Clics": "Silenciosos", "Batería": "Hasta 18 meses"}),
    ("Logitech", "G Pro 2 Lightspeed", "Mouse gamer inalámbrico", 549, ["Negro", "Blanco"],
     {"Sensor": "HERO 2 de 44 000 DPI", "Conexión": "Lightspeed 2.4 GHz", "Peso": "80 g",
      "Botones": "Laterales intercambiables"}),
    ("Razer", "Cobra", "Mouse gamer", 179, ["Negro"],
     {"Sensor": "Óptico 8 500 DPI", "Conexión": "USB", "Peso": "58 g", "Iluminación": "Chroma RGB"}),
    ("Razer", "DeathAdder Essential", "Mouse gamer", 99, ["Negro", "Blanco"],
     {"Sensor": "Óptico 6 400 DPI", "Conexión": "USB", "Botones": "5 programables"}),
    ("Razer", "Naga V2 Pro", "Mouse gamer inalámbrico MMO", 749, ["Negro"],
     {"Sensor": "Focus Pro 30K", "Conexión": "HyperSpeed 2.4 GHz, Bluetooth", "Botones": "Hasta 19 programables"}),
    ("HyperX", "Pulsefire Haste 2 Wireless", "Mouse gamer inalámbrico", 399, ["Negro", "Blanco"],
     {"Sensor": "26K DPI", "Conexión": "2.4 GHz, Bluetooth", "Peso": "61 g", "Batería": "Hasta 100 h"}),
    ("Corsair", "Katar Elite Wireless", "Mouse gamer inalámbrico", 329, ["Negro"],
     {"Sensor": "Marksman 26K", "Conexión": "Slipstream 2.4 GHz, Bluetooth", "Peso": "69 g"}),
    ("Redragon", "Storm Pro M808", "Mouse gamer inalámbrico", 149, ["Negro", "Blanco"],
     {"Sensor": "16 000 DPI", "Conexión": "2.4 GHz, Bluetooth, USB-C", "Peso": "68 g"}),
    ("ASUS", "ROG Gladius III", "Mouse gamer", 399, ["Negro"],
     {"Sensor": "ROG AimPoint 26K", "Conexión": "USB", "Switches": "Intercambiables sin soldar"}),
    ("ASUS", "TUF Gaming M4 Air", "Mouse gamer", 149, ["Negro"],
     {"Sensor": "16 000 DPI", "Conexión": "USB", "Peso": "47 g", "Protección": "IPX6 contra agua y polvo"}),
]
HEADPHONES = [
    ("Logitech", "G435 Lightspeed", "Audífonos gamer inalámbricos", 299, ["Negro", "Blanco", "Celeste"],
     {"Tipo": "Over-ear", "Conexión": "Lightspeed 2.4 GHz, Bluetooth", "Batería": "Hasta 18 h", "Peso": "165 g"}),
    ("Logitech", "G Pro X 2 Lightspeed", "Audífonos gamer inalámbricos", 1099, ["Negro", "Blanco"],
     {"Tipo": "Over-ear", "Drivers": "Grafeno de 50 mm", "Conexión": "Lightspeed, Bluetooth, 3.5 mm",
      "Batería": "Más de 50 h"}),
    ("Razer", "BlackShark V2 X", "Audífonos gamer", 249, ["Negro", "Blanco"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Sonido": "7.1 envolvente (PC)", "Micrófono": "Cardioide"}),
    ("Razer", "Kraken V4", "Audífonos gamer inalámbricos", 599, ["Negro"],
     {"Tipo": "Over-ear", "Conexión": "HyperSpeed 2.4 GHz, Bluetooth, USB", "Iluminación": "Chroma RGB"}),
    ("Razer", "Barracuda X", "Audífonos inalámbricos multiplataforma", 449, ["Negro", "Blanco", "Rosa palo"],
     {"Tipo": "Over-ear", "Conexión": "2.4 GHz USB-C, Bluetooth", "Batería": "Hasta 50 h"}),
    ("HyperX", "Cloud III", "Audífonos gamer", 449, ["Negro", "Rojo"],
     {"Tipo": "Over-ear", "Drivers": "53 mm", "Conexión": "USB-C, USB-A, 3.5 mm", "Micrófono": "Desmontable"}),
    ("HyperX", "Cloud Stinger 2", "Audífonos gamer", 229, ["Negro"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Peso": "275 g", "Micrófono": "Abatible para silenciar"}),
    ("HyperX", "Cloud Alpha Wireless", "Audífonos gamer inalámbricos", 899, ["Negro", "Rojo"],
     {"Tipo": "Over-ear", "Conexión": "2.4 GHz", "Batería": "Hasta 300 h"}),
    ("Sony", "WH-1000XM5", "Audífonos inalámbricos con cancelación de ruido", 1499, ["Negro", "Plata", "Azul marino"],
     {"Tipo": "Over-ear", "Cancelación de ruido": "Sí, adaptativa", "Conexión": "Bluetooth 5.2, LDAC",
      "Batería": "Hasta 30 h"}),
    ("Sony", "WH-CH520", "Audífonos Bluetooth", 229, ["Negro", "Blanco", "Celeste"],
     {"Tipo": "On-ear", "Conexión": "Bluetooth 5.2", "Batería": "Hasta 50 h"}),
    ("Sony", "WF-C700N", "Audífonos in-ear inalámbricos", 449, ["Negro", "Blanco", "Lila"],
     {"Tipo": "In-ear", "Cancelación de ruido": "Sí", "Conexión": "Bluetooth 5.2",
      "Batería": "Hasta 20 h con estuche"}),
    ("JBL", "Tune 520BT", "Audífonos Bluetooth", 199, ["Negro", "Blanco", "Azul", "Morado"],
     {"Tipo": "On-ear", "Conexión": "Bluetooth 5.3", "Batería": "Hasta 57 h", "Sonido": "JBL Pure Bass"}),
    ("JBL", "Live 770NC", "Audífonos inalámbricos con cancelación de ruido", 749, ["Negro", "Azul", "Arena"],
     {"Tipo": "Over-ear", "Cancelación de ruido": "Sí, adaptativa", "Batería": "Hasta 65 h"}),
    ("JBL", "Quantum 100", "Audífonos gamer", 149, ["Negro", "Blanco"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Micrófono": "Desmontable"}),
    ("Samsung", "Galaxy Buds FE", "Audífonos in-ear inalámbricos", 349, ["Grafito", "Blanco"],
     {"Tipo": "In-ear", "Cancelación de ruido": "Sí", "Conexión": "Bluetooth 5.2",
      "Batería": "Hasta 21 h con estuche"}),
    ("Samsung", "Galaxy Buds3 Pro", "Audífonos in-ear inalámbricos", 999, ["Plata", "Blanco"],
     {"Tipo": "In-ear", "Cancelación de ruido": "Sí, adaptativa", "Conexión": "Bluetooth 5.4",
      "Batería": "Hasta 30 h con estuche"}),
    ("Sony", "WH-CH720N", "Audífonos inalámbricos con cancelación de ruido", 549, ["Negro", "Blanco", "Azul"],
     {"Tipo": "Over-ear", "Cancelación de ruido": "Sí", "Conexión": "Bluetooth 5.2", "Batería": "Hasta 35 h"}),
    ("Sony", "WF-1000XM5", "Audífonos in-ear inalámbricos", 1299, ["Negro", "Plata"],
     {"Tipo": "In-ear", "Cancelación de ruido": "Sí, líder de la industria", "Conexión": "Bluetooth 5.3, LDAC",
      "Batería": "Hasta 24 h con estuche"}),
    ("JBL", "Tune 720BT", "Audífonos Bluetooth", 299, ["Negro", "Blanco", "Azul"],
     {"Tipo": "Over-ear", "Conexión": "Bluetooth 5.3", "Batería": "Hasta 76 h"}),
    ("JBL", "Wave Beam", "Audífonos in-ear inalámbricos", 299, ["Negro", "Blanco", "Morado"],
     {"Tipo": "In-ear", "Conexión": "Bluetooth 5.2", "Resistencia": "IP54", "Batería": "Hasta 32 h con estuche"}),
    ("JBL", "Quantum 910", "Audífonos gamer inalámbricos", 899, ["Negro"],
     {"Tipo": "Over-ear", "Cancelación de ruido": "Sí", "Conexión": "2.4 GHz, Bluetooth, USB-C",
      "Sonido": "JBL QuantumSPHERE 360"}),
    ("Logitech", "G335", "Audífonos gamer", 279, ["Negro", "Blanco", "Verde menta"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Peso": "240 g"}),
    ("Logitech", "Zone Vibe 100", "Audífonos inalámbricos para oficina", 399, ["Grafito", "Rosa palo", "Blanco"],
     {"Tipo": "Over-ear", "Conexión": "Bluetooth", "Micrófono": "Con cancelación de ruido para llamadas",
      "Batería": "Hasta 20 h"}),
    ("Razer", "Kraken X", "Audífonos gamer", 179, ["Negro"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Sonido": "7.1 envolvente (PC)", "Peso": "250 g"}),
    ("Razer", "Hammerhead True Wireless", "Audífonos in-ear inalámbricos", 399, ["Negro", "Blanco"],
     {"Tipo": "In-ear", "Modo juego": "Latencia de 60 ms", "Conexión": "Bluetooth 5.2"}),
    ("Corsair", "HS80 RGB Wireless", "Audífonos gamer inalámbricos", 699, ["Negro", "Blanco"],
     {"Tipo": "Over-ear", "Conexión": "Slipstream 2.4 GHz, USB", "Sonido": "Dolby Atmos"}),
    ("Corsair", "HS55 Stereo", "Audífonos gamer", 249, ["Negro", "Blanco"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Peso": "266 g"}),
    ("ASUS", "ROG Delta S", "Audífonos gamer", 799, ["Negro"],
     {"Tipo": "Over-ear", "Conexión": "USB-C", "DAC": "ESS 9281 Quad DAC"}),
    ("ASUS", "TUF Gaming H3", "Audífonos gamer", 199, ["Negro", "Rojo"],
     {"Tipo": "Over-ear", "Conexión": "3.5 mm", "Sonido": "7.1 virtual"}),
]

# --- hogar --------------------------------------------------------------------------------------

PLACES = [
    "Miraflores", "Barranco", "San Isidro", "Paracas", "Máncora", "Colca", "Urubamba", "Pisac", "Chachapoyas",
    "Huanchaco", "Tarapoto", "Oxapampa", "Pozuzo", "Ayacucho", "Cajamarca", "Arequipa", "Cusco", "Puno",
    "Nazca", "Huaraz", "Chiclayo", "Lambayeque", "Piura", "Tumbes", "Iquitos", "Moquegua", "Tacna", "Ica",
    "Huacachina", "Punta Sal", "Vichayito", "Lunahuaná", "Chavín", "Kuélap", "Sechura", "Pacasmayo",
    "Chincha", "Marcahuasi", "Ollantaytambo", "Yanahuara", "Sacsayhuamán", "Caral",
]
HOME_BRANDS = ["Casa Andina Muebles", "Maderas del Sur", "Tambo Diseño", "Qori Home", "Mobilia Lima",
               "Nordik Home", "Básicos Kallpa"]
OFFICE_BRANDS = ["OfiPro", "Ergoline", "Mobilia Lima", "Básicos Kallpa", "Tambo Diseño"]
GAMER_CHAIR_BRANDS = ["Cougar", "Razer", "Corsair", "OfiPro"]

# name, price, (length, width, height) cm, weight kg, seats
SOFA_TYPES = [
    ("Sofá de 2 cuerpos", 1599, (160, 88, 86), 38, 2),
    ("Sofá de 3 cuerpos", 2499, (212, 92, 86), 52, 3),
    ("Sofá seccional en L", 3999, (268, 165, 86), 88, 5),
    ("Sofá cama", 1899, (196, 95, 88), 60, 3),
    ("Sillón individual", 899, (86, 84, 90), 24, 1),
    ("Sofá modular de 4 piezas", 5499, (300, 180, 80), 110, 5),
]
SOFA_COLORS = ["Gris", "Beige", "Azul petróleo", "Verde oliva", "Terracota", "Crema", "Gris oscuro", "Mostaza",
               "Azul marino"]
SOFA_MATERIALS = [("Tela lino", 0), ("Chenille", 150), ("Bouclé", 250), ("Terciopelo", 200),
                  ("Cuero sintético", 300), ("Cuero genuino", 1400)]
WOOD_COLORS = ["Natural", "Roble claro", "Nogal", "Wengué", "Blanco", "Negro"]
DINING_TABLE_TYPES = [
    ("Mesa de comedor rectangular", 4, 1299, (140, 80, 76), 35),
    ("Mesa de comedor rectangular", 6, 1799, (180, 90, 76), 48),
    ("Mesa de comedor extensible", 8, 2699, (200, 95, 76), 62),
    ("Mesa de comedor redonda", 4, 1199, (110, 110, 76), 32),
    ("Mesa de comedor de vidrio templado", 6, 1599, (160, 90, 76), 45),
]
TABLE_WOODS = [("Madera tornillo", 1.0), ("Pino radiata", 0.8), ("Roble", 1.35), ("Melamina de 25 mm", 0.65),
               ("Capirona", 1.1)]
COFFEE_TABLE_TYPES = [
    ("Mesa de centro rectangular", 449, (110, 60, 42), 18),
    ("Mesa de centro redonda", 399, (80, 80, 40), 14),
    ("Mesa de centro con repisa", 529, (120, 60, 45), 22),
    ("Mesa de centro elevable", 699, (100, 50, 45), 24),
    ("Set de mesas nido", 589, (70, 70, 45), 16),
]
OFFICE_CHAIR_TYPES = [
    ("Silla de oficina ergonómica", 899, "Malla", "Soporte lumbar regulable", "4D", 120),
    ("Silla ejecutiva", 1199, "Cuero sintético", "Soporte lumbar integrado", "Fijos acolchados", 130),
    ("Silla operativa", 349, "Malla", "Respaldo curvo", "Fijos", 100),
    ("Silla de malla", 599, "Malla", "Soporte lumbar regulable", "3D", 110),
    ("Silla gamer", 999, "Cuero sintético", "Cojín lumbar y cervical", "4D", 150),
]
OFFICE_CHAIR_MODELS = ["ErgoPro 500", "Andes Flex", "Lumbar Plus", "Condor", "Vértice", "Quipu", "Titicaca",
                       "Misti", "Ausangate", "Huascarán", "Pachacámac", "Salkantay", "Nevado", "Alpamayo"]
GAMER_CHAIR_MODELS = {"Cougar": ["Armor One", "Armor Elite", "Explore S", "Hotrod"],
                      "Razer": ["Iskur V2", "Enki", "Enki X", "Fujin"],
                      "Corsair": ["TC100 Relaxed", "TC200", "T3 Rush"],
                      "OfiPro": ["Gamer Pro X", "Racer RGB", "Arena"]}
DINING_CHAIR_TYPES = [
    ("Silla de comedor tapizada", 329, "Tela lino"),
    ("Silla de comedor de madera", 249, "Madera maciza"),
    ("Silla nórdica", 179, "Madera maciza"),
    ("Silla de comedor con brazos", 399, "Cuero sintético"),
    ("Silla de comedor en bouclé", 459, "Bouclé"),
]
DESK_TYPES = [
    ("Escritorio de melamina", 399, (120, 60, 75), 28, "Melamina de 18 mm", "Acero pintado"),
    ("Escritorio en L", 899, (150, 150, 75), 46, "Melamina de 25 mm", "Acero pintado"),
    ("Escritorio elevable eléctrico", 1899, (140, 70, 118), 38, "MDF con laminado", "Acero, doble motor"),
    ("Escritorio gamer", 699, (140, 60, 75), 32, "Fibra de carbono texturizada", "Acero en Z con luces RGB"),
    ("Escritorio nórdico", 549, (110, 55, 76), 22, "Madera de pino", "Patas de haya"),
    ("Escritorio con cajonera", 649, (120, 60, 75), 36, "Melamina de 18 mm", "Cajonera de 3 gavetas"),
]

# --- moda ------------------------------------------------------------------------------------

LOCAL_STREET_BRANDS = ["Kallpa Street", "Inti Wear", "Wayra Urban", "Chaski Club"]
STREET_DESIGNS = [
    "Cóndor", "Chakana", "Inti Raymi", "Lima Gris", "Combi Life", "Cumbia Chicha", "Líneas de Nazca",
    "Huaca Pucllana", "Pachamama", "Logo Clásico", "Amaru", "Killa", "Qhapaq Ñan", "Barrio Chino", "Rímac",
    "Costa Verde", "Ceviche Club", "Chalaco", "Tumi", "Ekeko", "Vicuña", "Machu Picchu", "Callao 1537",
    "Surf Perú", "San Cristóbal", "Lima Nocturna", "Andes Tech", "Pacífico", "Taki Onqoy", "Tawantin",
    "Kallpa Racing", "Caballito de Totora", "Marinera", "Sol de Mayo", "Cerro Azul", "Quipu",
]
APPAREL_COLORS = ["Negro", "Blanco", "Gris", "Azul marino", "Verde oliva", "Arena", "Guinda", "Crema", "Mostaza",
                  "Lila", "Celeste", "Terracota"]
# brand: [(name, price)]
GLOBAL_HOODIES = {
    "Nike": [("Nike Sportswear Club Fleece", 299), ("Nike Tech Fleece", 499), ("Nike Solo Swoosh", 429)],
    "Adidas": [("Adidas Adicolor Trefoil", 279), ("Adidas Essentials 3 Tiras", 229), ("Adidas Z.N.E.", 399)],
    "New Balance": [("New Balance Sport Essentials", 259), ("New Balance Athletics", 329)],
    "Puma": [("Puma Essentials Big Logo", 199), ("Puma Classics", 249)],
}
GLOBAL_TEES = {
    "Nike": [("Nike Sportswear Club", 109), ("Nike Dri-FIT Legend", 99), ("Nike Max90", 149)],
    "Adidas": [("Adidas Trefoil", 119), ("Adidas Essentials Single Jersey", 89)],
    "New Balance": [("New Balance Essentials Logo", 109)],
    "Puma": [("Puma Essentials Logo", 79)],
    "Vans": [("Vans Classic", 99)],
}
# brand, model (a product line), price, colourways [(name suffix, colour value)]
SNEAKERS = [
    ("Nike", "Air Force 1 '07", 549, [("Triple Blanco", "Blanco"), ("Negro", "Negro"), ("Blanco/Verde", "Blanco"),
                                      ("Crema", "Crema")]),
    ("Nike", "Dunk Low Retro", 599, [("Panda", "Blanco"), ("Gris Niebla", "Gris perla"),
                                     ("Verde Bosque", "Verde bosque"), ("Azul Universidad", "Celeste")]),
    ("Nike", "Air Max 90", 649, [("Blanco/Rojo", "Blanco"), ("Negro", "Negro"), ("Gris Lobo", "Gris")]),
    ("Nike", "Court Vision Low", 349, [("Blanco/Negro", "Blanco"), ("Triple Negro", "Negro")]),
    ("Nike", "Air Jordan 1 Low", 599, [("Chicago", "Rojo"), ("Blanco/Negro", "Blanco"), ("Mocha", "Marrón")]),
    ("Adidas", "Samba OG", 499, [("Blanco/Negro", "Blanco"), ("Negro/Goma", "Negro"), ("Crema/Verde", "Crema")]),
    ("Adidas", "Gazelle", 449, [("Azul", "Azul"), ("Rosa", "Rosa palo"), ("Verde", "Verde bosque"),
                                ("Negro", "Negro")]),
    ("Adidas", "Campus 00s", 499, [("Gris", "Gris"), ("Negro", "Negro"), ("Verde", "Verde oliva"),
                                   ("Beige", "Beige")]),
    ("Adidas", "Forum Low", 449, [("Blanco/Azul", "Blanco"), ("Triple Blanco", "Blanco")]),
    ("Adidas", "Superstar", 429, [("Blanco/Negro", "Blanco"), ("Negro/Blanco", "Negro")]),
    ("New Balance", "550", 599, [("Blanco/Verde", "Blanco"), ("Blanco/Gris", "Gris perla"), ("Crema/Azul", "Crema")]),
    ("New Balance", "530", 499, [("Plata/Blanco", "Plata"), ("Blanco/Azul", "Blanco"), ("Gris", "Gris")]),
    ("New Balance", "574", 399, [("Gris", "Gris"), ("Azul marino", "Azul marino"), ("Verde", "Verde oliva")]),
    ("New Balance", "9060", 799, [("Gris lluvia", "Gris"), ("Negro", "Negro"), ("Arena", "Arena")]),
    ("New Balance", "2002R", 699, [("Gris", "Gris"), ("Marrón", "Marrón")]),
    ("Puma", "Suede Classic", 349, [("Negro", "Negro"), ("Azul marino", "Azul marino"), ("Rojo", "Rojo")]),
    ("Puma", "Palermo", 399, [("Verde", "Verde bosque"), ("Guinda", "Guinda"), ("Azul", "Azul")]),
    ("Vans", "Old Skool", 299, [("Negro/Blanco", "Negro"), ("Azul marino", "Azul marino"), ("Guinda", "Guinda")]),
    ("Converse", "Chuck Taylor All Star", 259, [("Negro", "Negro"), ("Blanco", "Blanco"), ("Rojo", "Rojo")]),
    ("Kallpa Street", "Runner K1", 229, [("Negro", "Negro"), ("Arena", "Arena"), ("Blanco", "Blanco")]),
    ("Inti Wear", "Court 73", 199, [("Blanco/Mostaza", "Blanco"), ("Negro", "Negro")]),
    ("Wayra Urban", "Skate Low", 189, [("Gris", "Gris"), ("Terracota", "Terracota")]),
]
CAP_TYPES = [("Gorra snapback", 79), ("Gorra dad hat", 69), ("Gorra trucker", 69), ("Gorra de 5 paneles", 75)]
GLOBAL_CAPS = {
    "New Era": [("Gorra New Era 9FORTY", 129), ("Gorra New Era 59FIFTY", 169), ("Gorra New Era 9TWENTY", 119)],
    "Nike": [("Gorra Nike Club", 109), ("Gorra Nike Heritage86", 99)],
    "Adidas": [("Gorra Adidas Trefoil Baseball", 99)],
    "Puma": [("Gorra Puma Essentials", 69)],
}
CAP_COLORS = ["Negro", "Blanco", "Azul marino", "Verde oliva", "Arena", "Guinda", "Crema", "Rojo"]

# --- kits, collections, banners ----------------------------------------------------------------

# Every kit: slug, name, room, discount, tags, description, cover look [(kind, colour)], room colour, items
# items: (category slug, preference tag, quantity, optional)
KITS = [
    ("kit-oficina", "Kit Oficina", "office", "8.00", ["home office", "ergonómico", "minimalista"],
     "Todo para trabajar desde casa sin dolor de espalda: un escritorio amplio, una silla ergonómica con "
     "soporte lumbar y un monitor a la altura de tus ojos. Suma teclado y mouse si los necesitas.",
     [("desk", "#b8956a"), ("office_chair", "#1c1c1e"), ("monitor", "#1c1c1e"), ("keyboard", "#f2f2f0")],
     "#7fa7c9",
     [("escritorios", "office", 1, False), ("sillas-de-oficina", "office", 1, False), ("monitores", "office", 1, False),
      ("teclados", "office", 1, True), ("mouse", "office", 1, True)]),
    ("kit-gamer", "Kit Gamer", "gaming", "10.00", ["gamer", "RGB", "setup"],
     "Arma tu setup de una vez: silla gamer, escritorio resistente, monitor de alta tasa de refresco, teclado "
     "mecánico y mouse. Los audífonos van por tu cuenta si ya tienes los tuyos.",
     [("office_chair", "#c62828"), ("monitor", "#1c1c1e"), ("keyboard", "#1c1c1e"), ("headphones", "#1c1c1e")],
     "#5e35b1",
     [("sillas-de-oficina", "gamer", 1, False), ("escritorios", "gamer", 1, False), ("monitores", "gamer", 1, False),
      ("teclados", "gamer", 1, False), ("mouse", "gamer", 1, False), ("audifonos", "gamer", 1, True)]),
    ("kit-sala", "Kit Sala", "living", "12.00", ["moderno", "acogedor", "nórdico"],
     "Un sofá cómodo y una mesa de centro que combinan: la base de una sala acogedora. Agrega un sillón "
     "individual para las visitas.",
     [("sofa", "#8a8d91"), ("coffee_table", "#b8956a")],
     "#c0653a",
     [("sofas", "sofa", 1, False), ("mesas-de-centro", "", 1, False), ("sofas", "armchair", 1, True)]),
    ("kit-comedor", "Kit Comedor", "dining", "7.00", ["familiar", "madera", "clásico"],
     "Mesa de comedor para seis con sus seis sillas, elegidas para combinar en madera y tapiz.",
     [("dining_table", "#6b4423"), ("dining_chair", "#6b4423")],
     "#b8956a",
     [("mesas-de-comedor", "six", 1, False), ("sillas-de-comedor", "", 6, False)]),
    ("outfit-urbano", "Outfit Urbano", "outfit", "5.00", ["streetwear", "urbano", "oversize"],
     "Un look completo para caminar Lima: hoodie, polo, zapatillas y, si quieres, una gorra que combine.",
     [("hoodie", "#1c1c1e"), ("tshirt", "#f2f2f0"), ("sneaker", "#f2f2f0"), ("cap", "#6b7a3a")],
     "#e85d04",
     [("hoodies", "local", 1, False), ("polos", "local", 1, False), ("zapatillas", "", 1, False),
      ("gorras", "", 1, True)]),
]

# Collections. Windows are in days from the moment of loading (None: open-ended).
# slug, name, type, starts, ends, description, selection {categories, brands (preferred), count},
# hero look [(kind, colour)], hero colour, badge
COLLECTIONS = [
    ("drop-08-chicha-pop", "Drop 08 · Chicha Pop", "drop", 3, 10,
     "Colores fosforescentes y tipografías de los afiches chicha de Lima en hoodies, polos y gorras. "
     "Edición limitada: se libera en 3 días y cada cliente puede llevar hasta 2 piezas.",
     {"categories": ["hoodies", "polos", "gorras"], "brands": ["Inti Wear", "Wayra Urban", "Chaski Club"], "count": 6},
     [("hoodie", "#d4a017"), ("tshirt", "#e8b4b8"), ("cap", "#2f6fde")], "#c2185b", "PRÓXIMAMENTE"),
    ("drop-07-lima-nocturna", "Drop 07 · Lima Nocturna", "drop", -2, 5,
     "Kallpa Street sale de noche: hoodies oversize, polos y gorras en negro, grafito y acentos reflectivos. "
     "Solo por 7 días o hasta agotar stock, máximo 2 piezas por cliente.",
     {"categories": ["hoodies", "polos", "gorras", "zapatillas"], "brands": ["Kallpa Street"], "count": 8},
     [("hoodie", "#1c1c1e"), ("cap", "#c62828"), ("sneaker", "#f2f2f0")], "#3d2c8d", "EN VIVO"),
    ("kallpa-street-x-razer", "Kallpa Street × Razer: Modo Noche", "collab", -12, None,
     "Una colaboración para los que juegan hasta tarde: periféricos Razer en negro y blanco, y streetwear de "
     "Kallpa Street inspirado en los setups gamer de Lima.",
     {"categories": ["teclados", "mouse", "audifonos", "hoodies", "gorras"], "brands": ["Razer", "Kallpa Street"],
      "count": 8},
     [("keyboard", "#1c1c1e"), ("hoodie", "#2e5e3e"), ("headphones", "#1c1c1e")], "#1b5e20", "COLAB"),
]
# The seasonal collection depends on the month of loading (Peru is in the southern hemisphere).
SEASONS = {
    "verano": ("Temporada de verano", "Polos de algodón pima, gorras para el sol y zapatillas livianas: lo que "
               "pide el verano en la costa.", ["polos", "gorras", "zapatillas", "mesas-de-centro"],
               [("tshirt", "#8ec5e8"), ("cap", "#efe6d2"), ("sneaker", "#f2f2f0")], "#e86a1c"),
    "invierno": ("Temporada de invierno", "Hoodies gruesos, sofás para quedarse en casa y todo lo necesario "
                 "para las tardes grises de Lima.", ["hoodies", "sofas", "zapatillas", "audifonos"],
                 [("hoodie", "#6d1a2a"), ("sofa", "#8a8d91"), ("sneaker", "#5d4037")], "#1f2a44"),
    "otono": ("Temporada de otoño", "Capas ligeras y tonos tierra para los días que empiezan a enfriar.",
              ["hoodies", "polos", "zapatillas", "sillas-de-comedor"],
              [("hoodie", "#c0653a"), ("tshirt", "#d8c3a5"), ("sneaker", "#5d4037")], "#8d4a24"),
    "primavera": ("Temporada de primavera", "Colores frescos para la casa y para salir: renueva tu sala y tu "
                  "clóset.", ["polos", "gorras", "sofas", "mesas-de-centro"],
                  [("tshirt", "#a8e6cf"), ("sofa", "#e8b4b8"), ("coffee_table", "#b8956a")], "#2e7d32"),
}

# title, subtitle, button, target URL, starts, ends (days from now; None: open), look, colour
BANNERS = [
    ("Drop 07 · Lima Nocturna", "Hoodies, polos y gorras de edición limitada. Solo por 7 días.", "Ver el drop",
     "/collections/drop-07-lima-nocturna/", -2, 5, [("hoodie", "#1c1c1e"), ("cap", "#c62828")], "#3d2c8d"),
    ("Nueva generación RTX", "Tarjetas gráficas con envío gratis a todo el Perú y hasta 36 meses de garantía.",
     "Ver tarjetas", "/c/tarjetas-graficas/", -5, 25, [("gpu", "#26292e"), ("monitor", "#1c1c1e")], "#1d3557"),
    ("Arma tu home office", "Escritorio, silla ergonómica y monitor con 8% de descuento en el Kit Oficina.",
     "Ver el kit", "/kits/kit-oficina/", -20, None, [("office_chair", "#1c1c1e"), ("desk", "#b8956a")], "#e9dcc9"),
    ("Cyber Wow: hasta 40% en tecnología", "Laptops, monitores y periféricos con precios de locura.",
     "Ver ofertas", "/f/tecnologia/", -40, -33, [("laptop", "#c0c4c8"), ("headphones", "#1c1c1e")], "#c62828"),
]
