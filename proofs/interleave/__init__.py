"""Interleaving exploration of the reader/consumer protocol on a controlled asyncio loop."""
