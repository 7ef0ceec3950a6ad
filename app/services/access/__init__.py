"""Who may do what: accounts, API keys, web sessions, and the audit log.

Public modules, used as namespaces: ``users`` (``users.add_user``, ``users.create_api_key``,
``users.principal_for_session``...: argon2id passwords, hashed keys, server-side sessions) and
``audit`` (``audit.record``: every read of a person, every import, edit and export). The
``Principal`` they speak of lives in ``app.principal``; the HTTP seam in ``app.security``.
"""

from app.services.access import audit, users

__all__ = ["audit", "users"]
