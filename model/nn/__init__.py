"""Graph operators of the MSGG-AI network, one per file, each on PyG's ``MessagePassing``."""

from model.nn.cross_scale_fusion import CrossScaleFusion
from model.nn.scene_graph_gru import SceneGraphGRUConv
from model.nn.segment_pool import SegmentAttentionPool

__all__ = ["CrossScaleFusion", "SceneGraphGRUConv", "SegmentAttentionPool"]
