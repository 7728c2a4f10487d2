"""Settings shared by every process kind; each kind subclasses them in its own package."""
