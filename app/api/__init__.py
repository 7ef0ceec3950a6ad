"""HTTP routers, one module per resource; registered in ``app.main``."""
