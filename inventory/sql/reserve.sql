-- inventory_reserve: the PostgreSQL form of services.stock_reserve, one call = one round trip.
--
-- It locks the customer's row (when given) and the candidate stock levels in id order, then,
-- in a new statement (so with a fresh snapshot that sees every hold committed before the
-- locks were ours), computes what is free per level (on hand minus active unexpired holds),
-- takes each line from active warehouses by priority, splitting it when one is not enough,
-- and inserts the reservations only if every line (and the customer's purchase limit) is
-- satisfied. Returns one row per reservation made, nothing when it made none; the caller
-- then finds out why. Statement plans are cached per connection, and called outside a
-- transaction the row locks are held only inside the server.
CREATE OR REPLACE FUNCTION inventory_reserve(
    p_variant_ids bigint[], p_quantities integer[], p_cart_key varchar, p_order_id bigint,
    p_customer_id bigint, p_expires_at timestamptz, p_now timestamptz, p_default_limit integer
) RETURNS TABLE (reservation_id bigint, level_id bigint, reserved integer, free_before integer,
                 level_minimum integer)
LANGUAGE plpgsql VOLATILE
-- One plan, made once per connection: a custom plan per call would cost more than running it.
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
    IF p_customer_id IS NOT NULL THEN
        PERFORM 1 FROM accounts_user WHERE id = p_customer_id FOR UPDATE;
    END IF;
    PERFORM 1 FROM inventory_stocklevel sl JOIN inventory_warehouse w ON w.id = sl.warehouse_id
     WHERE sl.variant_id = ANY (p_variant_ids) AND w.is_active ORDER BY sl.id FOR UPDATE OF sl;

    RETURN QUERY
    WITH req AS (
        SELECT * FROM unnest(p_variant_ids, p_quantities) AS t (variant_id, qty)
    ),
    free AS (
        SELECT sl.id, sl.variant_id, sl.minimum, w.priority, w.id AS warehouse_id,
               GREATEST(sl.on_hand - COALESCE(held.units, 0), 0) AS free
          FROM inventory_stocklevel sl
          JOIN inventory_warehouse w ON w.id = sl.warehouse_id
          JOIN catalog_variant v ON v.id = sl.variant_id
          JOIN catalog_product p ON p.id = v.product_id
          LEFT JOIN LATERAL (
              SELECT SUM(r.quantity) AS units FROM inventory_reservation r
               WHERE r.stock_level_id = sl.id AND r.status = 'active' AND r.expires_at > p_now
          ) held ON true
         WHERE sl.variant_id = ANY (p_variant_ids) AND w.is_active AND v.is_active AND p.status = 'active'
    ),
    ranked AS (
        SELECT f.*, req.qty,
               SUM(f.free) OVER (PARTITION BY f.variant_id ORDER BY f.priority, f.warehouse_id
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - f.free AS taken_before,
               SUM(f.free) OVER (PARTITION BY f.variant_id) AS total
          FROM free f JOIN req ON req.variant_id = f.variant_id
    ),
    ok AS (
        SELECT NOT EXISTS (
                   SELECT 1 FROM req
                    WHERE req.qty > COALESCE((SELECT MAX(total) FROM ranked WHERE ranked.variant_id = req.variant_id), 0))
               AND (p_customer_id IS NULL OR NOT EXISTS (
                   SELECT 1 FROM (
                       SELECT COALESCE(p.max_per_customer, p_default_limit) AS purchase_limit, SUM(req.qty) AS wanted,
                              (SELECT COALESCE(SUM(r.quantity), 0) FROM inventory_reservation r
                                 JOIN inventory_stocklevel s ON s.id = r.stock_level_id
                                 JOIN catalog_variant rv ON rv.id = s.variant_id
                                WHERE rv.product_id = p.id AND r.customer_id = p_customer_id
                                  AND ((r.status = 'active' AND r.expires_at > p_now) OR r.status = 'converted')) AS held
                         FROM req JOIN catalog_variant v ON v.id = req.variant_id
                         JOIN catalog_product p ON p.id = v.product_id
                        GROUP BY p.id, p.max_per_customer
                   ) per_product WHERE held + wanted > purchase_limit)) AS ok
    ),
    inserted AS (
        INSERT INTO inventory_reservation (stock_level_id, quantity, cart_key, order_id, customer_id, status,
                                           expires_at, created_at)
        SELECT ranked.id, LEAST(ranked.free, ranked.qty - ranked.taken_before), p_cart_key, p_order_id,
               p_customer_id, 'active', p_expires_at, p_now
          FROM ranked, ok
         WHERE ok.ok AND ranked.qty > ranked.taken_before AND ranked.free > 0
        RETURNING id, stock_level_id, quantity
    )
    SELECT inserted.id, inserted.stock_level_id, inserted.quantity, ranked.free::integer, ranked.minimum::integer
      FROM inserted JOIN ranked ON ranked.id = inserted.stock_level_id
     ORDER BY inserted.id;
END
$$;
