"""Heads of the MSGG-AI network: object classes, relation proposals, graph labelling."""

from model.heads.graph_labelling import GraphLabelling
from model.heads.object_classifier import ObjectClassifier
from model.heads.repn import RelationProposalNetwork

__all__ = ["GraphLabelling", "ObjectClassifier", "RelationProposalNetwork"]
