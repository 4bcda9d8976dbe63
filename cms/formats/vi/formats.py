"""Vietnamese input formats: the admin date pickers write dd/mm/yyyy (WAGTAIL_*_FORMAT), so Django must read it.

Django's own "vi" locale only reads ISO and US (mm/dd/yyyy) dates, which turned 01/11 into 11 January.
"""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
