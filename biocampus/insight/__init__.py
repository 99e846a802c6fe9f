"""Insight: KPIs, dashboards, graph and reports, read-only over the other apps' records."""
