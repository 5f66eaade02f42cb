"""``python -m backup_doctor.cli``."""

from .main import main

main()
