"""
Seeded generators for the synthetic sample catalog.

The numeric core (``paths``, ``book``, ``trades``) is pure numpy: arrays in, arrays out, no
Nautilus objects, no clock and no I/O. ``specs`` draws the market universe, ``market`` runs
one market through the core and ``nautilus`` turns the arrays into Nautilus objects at the
edge.
"""
