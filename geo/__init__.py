"""Spatial and analytic logic of Sasaran. Pure: no web framework, no database sessions."""
