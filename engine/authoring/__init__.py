"""For rule authors only: catalogue, why-not, lint, rule tests (never loaded by diagnose)."""
