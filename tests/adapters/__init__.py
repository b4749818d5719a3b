"""Adapters written for the tests: a port with switchable bugs, and misbehaving adapters."""
