"""``python -m cchc``: the ``cchc`` script (``cchc.launch``)."""

from cchc.launch import main

main()
