"""Run per diagnosis: the case, the report's assembly, its questions and trace."""
