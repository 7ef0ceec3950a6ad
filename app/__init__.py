"""Sasaran: geospatial poverty-targeting dashboard (FastAPI + PostGIS)."""
