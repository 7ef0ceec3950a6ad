"""Service functions shared by the CLI and the API: they take a SQLAlchemy ``Connection`` that is
already inside a transaction and never commit themselves (the caller owns the transaction)."""
