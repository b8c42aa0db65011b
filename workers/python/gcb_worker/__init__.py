"""graph-compiler-bench's Python worker: PyTorch and JAX behind protocol v1 (docs/worker-protocol.md)."""

__version__ = '1.0.0'
