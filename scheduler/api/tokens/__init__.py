"""Personal API tokens: shown once, stored as a keyed hash, named, scoped, revocable."""
