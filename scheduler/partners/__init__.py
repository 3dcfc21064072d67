"""The Korean partner provinces and metropolitan cities."""
