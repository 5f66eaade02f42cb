"""``python -m backup_doctor.cli``."""

from . import main

main()
