"""Pretrained models shipped inside the package: safetensors + a sha256 manifest.

``course_kit/pretrained/manifest.json`` lists each model: its weights file,
the file's sha256, its ``kind`` (which loader builds it), its config and its
model card. Loading checks the hash first and refuses a corrupted or edited
file; nothing is unpickled. Loaders are named by import path so that loading
one kind never imports the others.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from pathlib import Path

import torch

from .errors import CourseKitError

PRETRAINED_DIR = Path(__file__).parent / "pretrained"
MANIFEST = "manifest.json"

# kind -> "module:function"; the function takes (config dict, state dict, device).
LOADERS = {
    "mocogan": "course_kit.mocogan.model:from_pretrained_state",
    "svg": "course_kit.svg.model:from_pretrained_state",
    "classifier": "course_kit.mocogan.classifier:from_pretrained_state",
}


class PretrainedError(CourseKitError, RuntimeError):
    """A pretrained model is unknown, missing or fails its checksum."""


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(directory: str | Path = PRETRAINED_DIR) -> dict:
    path = Path(directory) / MANIFEST
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def available(kind: str | None = None, directory: str | Path = PRETRAINED_DIR) -> list[str]:
    """Names of the models shipped with this installation, sorted; ``kind`` keeps one kind ("mocogan", ...)."""
    return sorted(name for name, entry in read_manifest(directory).items()
                  if kind is None or entry["kind"] == kind)


def model_card(name: str, directory: str | Path = PRETRAINED_DIR, section: str | None = None) -> str:
    """The model card (Markdown) of a shipped model; ``section="Measured"``: only that part's body."""
    entry = _entry(name, directory)
    text = (Path(directory) / entry["card"]).read_text()
    if section is None:
        return text
    parts = {p.split("\n", 1)[0].strip(): p.split("\n", 1)[1] if "\n" in p else ""
             for p in text.split("\n## ")[1:]}
    if section not in parts:
        raise ValueError(f"model_card: {name!r} has no section {section!r}; it has {list(parts)}")
    return parts[section].strip()


def _entry(name: str, directory) -> dict:
    manifest = read_manifest(directory)
    if name not in manifest:
        raise PretrainedError(f"load_pretrained: unknown model {name!r}; available: "
                              f"{sorted(manifest) or 'none'}")
    return manifest[name]


def load_state(name: str, directory: str | Path = PRETRAINED_DIR) -> tuple[dict, dict, str]:
    """(config, state dict as float32 tensors, kind) after checking the sha256."""
    from safetensors.torch import load_file

    directory = Path(directory)
    entry = _entry(name, directory)
    path = directory / entry["file"]
    if not path.exists():
        raise PretrainedError(f"load_pretrained: the weights of {name!r} are missing ({path}); "
                              f"reinstall course_kit")
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        raise PretrainedError(f"load_pretrained: {path} is corrupted or was modified: its sha256 "
                              f"is {digest}, the manifest expects {entry['sha256']}; reinstall "
                              f"course_kit or retrain and re-save the model")
    state = {k: (v.float() if v.is_floating_point() else v) for k, v in load_file(path).items()}
    return entry["config"], state, entry["kind"]


def load_pretrained(name: str, device: str | torch.device | None = None,
                    directory: str | Path = PRETRAINED_DIR):
    """Build a shipped model by name (e.g. "weizmann-actions", "shapes", "svg-push")."""
    from .device import pick_device

    config, state, kind = load_state(name, directory)
    if kind not in LOADERS:
        raise PretrainedError(f"load_pretrained: {name!r} has unknown kind {kind!r}")
    module_name, func = LOADERS[kind].split(":")
    loader = getattr(importlib.import_module(module_name), func)
    device = torch.device(device) if device is not None else pick_device()
    return loader(config, state, device)


def save_pretrained(name: str, kind: str, state: dict, config: dict, card: str,
                    directory: str | Path = PRETRAINED_DIR, half: bool = True) -> Path:
    """Write weights (fp16 by default, to keep the package small), card and manifest entry."""
    from safetensors.torch import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {k: (v.detach().half() if half and v.is_floating_point() else v.detach()).contiguous().cpu()
               for k, v in state.items()}
    path = directory / f"{name}.safetensors"
    save_file(tensors, path, metadata={"name": name, "kind": kind})
    path.chmod(0o644)  # safetensors writes 0600; a shared install must be readable by everyone
    card_path = directory / f"{name}.md"
    card_path.write_text(card)
    manifest = read_manifest(directory)
    manifest[name] = dict(file=path.name, sha256=sha256_file(path), kind=kind, config=config,
                          card=card_path.name)
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return path
