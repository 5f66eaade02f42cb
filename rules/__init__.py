"""Rule packs and dated domain knowledge, as data files (no code is loaded from them)."""
