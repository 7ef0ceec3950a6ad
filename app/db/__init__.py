"""Database access: engine, private local PostGIS cluster, migrations."""
