"""Training the MSGG-AI network: ``orthograph train`` (``cli/train.py``) runs ``trainer.train``.

``config`` validates the YAML file; ``data`` and ``augment`` draw seeded, augmented crops from a
scene-graph dataset; ``targets`` turns labels into patch, region and pair targets; ``losses``
and ``objective`` compute the loss; ``state`` writes resumable checkpoints; ``validation``
scores each epoch with the project's evaluator. MODEL_CARD.md describes the shipped model.
"""
