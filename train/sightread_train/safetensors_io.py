"""The safetensors format, written and read without the safetensors package (Debian 12 has none): an 8-byte
little-endian header length, a JSON header naming each tensor's dtype, shape and byte range, then the bytes."""

import json
import struct

import numpy as np
import torch

_DTYPES = {torch.float16: ("F16", np.float16), torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64),
           torch.int32: ("I32", np.int32), torch.uint8: ("U8", np.uint8)}
_BY_NAME = {name: (dtype, np_dtype) for dtype, (name, np_dtype) in _DTYPES.items()}


def save(tensors, path, metadata):
    """TENSORS: name → tensor (written in name order); METADATA: str → str, stored as __metadata__."""
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().cpu().contiguous()
        dtype_name, np_dtype = _DTYPES[tensor.dtype]
        blob = tensor.numpy().astype(np_dtype, copy=False).tobytes()
        header[name] = {"dtype": dtype_name, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for blob in blobs:
            out.write(blob)


def load(path):
    """(tensors, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        dtype, np_dtype = _BY_NAME[info["dtype"]]
        start, end = info["data_offsets"]
        array = np.frombuffer(data[base + start:base + end], dtype=np_dtype).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, metadata


def load_model_file(path, kind, format_version):
    """(tensors as fp32, metadata, config dict) of an exported model, refused with a message naming the file when its
    kind or format is not KIND / FORMAT_VERSION (spec §6)."""
    tensors, metadata = load(path)
    if metadata.get("sightread.kind") != kind or int(metadata.get("sightread.format", -1)) != format_version:
        raise SystemExit(f"{path}: kind {metadata.get('sightread.kind')} format {metadata.get('sightread.format')}, "
                         f"expected {kind} format {format_version}")
    return {k: v.float() for k, v in tensors.items()}, metadata, json.loads(metadata["sightread.config"])
