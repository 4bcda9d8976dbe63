"""Residents' anonymous satisfaction ratings of a page (Decree 224 Art. 10.3.b)."""
