"""Built once per Engine: rule packs read, checked and compiled, and the knowledge."""
