"""The seed's sizing claims measured on the real loops in virtual time.

- `sizing`: the engine (one configuration run to the reader's disconnect);
- `cli`: `tidegate simulate`.
"""
