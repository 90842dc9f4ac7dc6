"""Nightly marketing-consent and retention hygiene for Dutch travel organisations."""
