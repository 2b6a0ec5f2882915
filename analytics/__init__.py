"""Ориентир analytics core: pure Python, no Streamlit.

Every number the app shows is computed in this package and unit-tested here.
Layers: ingest (files -> warehouse), demo (generator -> same loader), topic modules
(warehouse -> frames), cli (the same functions for scripts).
"""
