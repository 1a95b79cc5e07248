#!/usr/bin/env python3
"""Writes Fixtures/events/app-events.ndjson: a deterministic set of app-install and in-app events
(campaign, media source, country, revenue, timestamps) that the pipeline tests replay."""
import json
import os
import random

rng = random.Random(20261123)
campaigns = ["spring_sale", "brand_awareness", "retargeting_q4", "launch_week", "organic"]
sources = ["googleadwords_int", "facebook_int", "tiktok_int", "apple_search_ads", "organic"]
countries = ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "CA", "MX"]
events = ["install", "af_purchase", "af_level_achieved", "af_add_to_cart", "af_subscribe"]
out = []
start = 1795392000  # 2026-11-23T00:00:00Z
for i in range(1000):
    kind = "install" if i % 4 == 0 else rng.choice(events[1:])
    revenue = round(rng.uniform(0.99, 99.99), 2) if kind in ("af_purchase", "af_subscribe") else 0
    out.append({
        "event_id": f"evt-{i:05d}",
        "event_type": kind,
        "app_id": "id1234567890",
        "customer_user_id": f"user-{rng.randrange(300):04d}",
        "campaign": rng.choice(campaigns),
        "media_source": rng.choice(sources),
        "country_code": rng.choice(countries),
        "event_revenue": revenue,
        "event_revenue_currency": "USD",
        "event_time": start + i * 37,
        "install_time": start + (i // 4) * 148,
    })
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "events", "app-events.ndjson")
with open(path, "w", encoding="utf-8") as f:
    for e in out:
        f.write(json.dumps(e, separators=(",", ":"), sort_keys=True) + "\n")
print(f"wrote {len(out)} events to {path}")
