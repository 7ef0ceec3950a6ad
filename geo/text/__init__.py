"""Text people read: numbers, percentages, rupiah and dates in Indonesian (id-ID) form.

Public: ``number``, ``percent``, ``figure`` (a figure by its name), ``rupiah``, ``date_id``,
``datetime_id``, ``LOCALE`` (locale).
Used by the pages (as Jinja filters), the exports and the printed report alike.
"""

from geo.text.locale import LOCALE, date_id, datetime_id, figure, number, percent, rupiah

__all__ = ["LOCALE", "date_id", "datetime_id", "figure", "number", "percent", "rupiah"]
