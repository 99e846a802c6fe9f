"""Synthetic ecosystems for scale tests: `biocampus generate --orgs N` (see docs/generate.md)."""
