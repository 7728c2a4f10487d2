"""The dense model: pretrained patch features -> class map -> objects (MODEL_CARD.md)."""
