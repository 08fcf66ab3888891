"""axes: read what a model's own files say about it and place it on the four axes of modern LLMs."""

__version__ = "0.1.0"
