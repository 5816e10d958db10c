"""carbonpath's version (one place; ``carbonpath.__version__`` re-exports it)."""

__version__ = "0.2.0.dev0"
