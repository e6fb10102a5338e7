"""Browser tests (make test-browser).

A package, so that its conftest is not confused with tests/conftest.py.
"""
