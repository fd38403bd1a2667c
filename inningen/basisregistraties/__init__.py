"""Clients for the basisregistraties: the BRP (Haal Centraal BRP API Personen 2.x) and the KvK
Handelsregister (API Basisprofiel), plus a local fake of both for tests and the demo.

This package knows HTTP and the official message shapes only; what the domain does with the
answers (letters, work lists, balie) lives elsewhere. See LEESMIJ.md for settings and sources.
"""
