"""svcgen: application topologies in, Helm charts whose Services have the right types out.

The core (``topology``, ``schemas``, ``rules``, ``render``, ``archive``) never imports
Flask or click; ``svcgen.api`` and ``svcgen.cli`` are thin shells around it.
"""

__version__ = "0.1.0"
