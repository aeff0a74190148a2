import os, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
from django.db import connection
connection.settings_dict["NAME"] = "bench_tienda_inv"
from bench import bench_inventory as b
from inventory import services
b._cleanup()
product, wh = b._setup()
try:
    v = b._variant(product, wh, "PROF", 10000)
    for fast in (True, False, True):
        services.RESERVE_IN_DATABASE = fast
        t = time.perf_counter()
        for i in range(300):
            services.stock_reserve(lines=[(v.pk, 1)], cart_key=f"p{fast}{i}{time.time()}")
        print("fast" if fast else "python", "per reservation ms", (time.perf_counter() - t) / 300 * 1000)
    lvl = v.stock_levels.get().pk
    t = time.perf_counter()
    with connection.cursor() as c:
        for i in range(300):
            c.execute("UPDATE inventory_stocklevel SET on_hand = on_hand - 1 WHERE id = %s AND on_hand >= 1", [lvl])
    print("update ms", (time.perf_counter() - t) / 300 * 1000)
    with connection.cursor() as c:
        c.execute("BEGIN")
        c.execute("EXPLAIN ANALYZE SELECT * FROM inventory_reserve(ARRAY[%s]::bigint[], ARRAY[1], 'x', NULL, NULL, now() + interval '1 hour', now(), 5)", [v.pk])
        print("\n".join(r[0] for r in c.fetchall()[-3:]))
        c.execute("ROLLBACK")
finally:
    b._cleanup()
