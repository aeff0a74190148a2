def product_change_data(product, variants=(), **overrides) -> dict:
    """POST data of the admin product change form, as a browser would send it."""
    data = {
        "name": product.name, "slug": product.slug, "base_sku": product.base_sku, "product_type": product.product_type,
        "status": product.status, "brand": product.brand_id, "category": product.category_id,
        "base_price": str(product.base_price), "compare_at_price": "", "specs": "{}", "description": "",
        "warranty_months": product.warranty_months, "weight_kg": str(product.weight_kg),
        "line": "", "seller": "", "max_per_customer": "", "length_cm": "", "width_cm": "", "height_cm": "",
        "variants-TOTAL_FORMS": len(variants), "variants-INITIAL_FORMS": len(variants),
        "variants-MIN_NUM_FORMS": 0, "variants-MAX_NUM_FORMS": 1000,
        "images-TOTAL_FORMS": 0, "images-INITIAL_FORMS": 0, "images-MIN_NUM_FORMS": 0, "images-MAX_NUM_FORMS": 1000,
    }
    for i, variant in enumerate(variants):
        data.update({
            f"variants-{i}-id": variant.pk, f"variants-{i}-product": product.pk, f"variants-{i}-sku": variant.sku,
            f"variants-{i}-price_modifier": str(variant.price_modifier), f"variants-{i}-is_active": "on",
            f"variants-{i}-order": variant.order,
        })
    data.update(overrides)
    return data
