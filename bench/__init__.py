"""`make bench`: BioCampus measured beside its peers (issue 6). Measurements, never tests: see docs/benchmarks.md."""
