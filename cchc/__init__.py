"""cchc — runs a ward's annual administrative-reform plan as scheduled work.

This package is the front end (command line, settings, rendering, demo); the domain
core lives in ``domain`` and ``responsibilities``, storage in ``models``/``storage``.
"""

__version__ = "0.1.0"
