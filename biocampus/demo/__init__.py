"""The demo campus: I·Campus Wuxi and its network as told by the 3rd CIIE press release.

A plain package (not a Django app): `biocampus.demo.seed.load()` writes it through the services,
and `manage.py load_demo` is the way to run it.
"""
