"""``python -m spamintel.cli``: the same as the ``spamintel`` command."""

from spamintel.cli import main

main()
