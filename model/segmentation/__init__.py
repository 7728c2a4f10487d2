"""GSS-AI graph segmentation: patch features -> normalized-cut regions (stage 2 of MSGG-AI).

``knn_affinity`` builds the sparse patch graph, ``normalized_cut_embedding`` solves
(D - W) y = lambda D y, ``eigengap_count`` and ``spectral_clusters`` cluster the eigenvectors,
``connected_regions`` and ``regions_to_pixels`` turn clusters into regions and pixel maps;
``GraphCutSegmenter`` chains them.
"""

from model.segmentation.affinity import knn_affinity
from model.segmentation.clustering import eigengap_count, kmeans, spectral_clusters
from model.segmentation.graph_cut import GraphCutSegmenter, PatchSegmentation
from model.segmentation.ncut import SpectralEmbedding, normalized_cut_embedding
from model.segmentation.regions import connected_regions, regions_to_pixels

__all__ = [
    "GraphCutSegmenter",
    "PatchSegmentation",
    "SpectralEmbedding",
    "connected_regions",
    "eigengap_count",
    "kmeans",
    "knn_affinity",
    "normalized_cut_embedding",
    "regions_to_pixels",
    "spectral_clusters",
]
