"""The ``backup-doctor`` command line (presentation and exit codes only)."""
