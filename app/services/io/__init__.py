"""Import bookkeeping shared by every kind of import: batches and their rejected rows.

Public module, used as a namespace: ``batches`` (``start_batch``, ``store_rejections``,
``finish_batch``, ``get_batch``, ``rejected_rows``, ``report_csv``, ``report_xlsx``).
"""

from app.services.io import batches

__all__ = ["batches"]
