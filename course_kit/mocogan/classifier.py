"""A small 3D-CNN action classifier: the kit's offline stand-in for FVD's I3D network.

FVD needs Kinetics I3D weights that nothing installable ships, so the kit
trains its own small video classifier on the labelled real videos and uses
it for the Motion Control Score (accuracy on videos generated for a
requested action), an Inception-Score-like number and a Frechet distance in
its penultimate features (see ``course_kit.mocogan.metrics``).

Clips are (N, 3, T, H, W) floats in [-1, 1], T frames taken every
``stride``-th frame of a real video (T=16, stride 2: what MoCoGAN trains on).
The held-out split is by *source video*: the Weizmann strips come in mirror
pairs (a video and its horizontal flip), and a pair is kept on one side so
that flip augmentation cannot leak a test video into training.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..data import VideoDataset, sample_clip, scan_class_folders, shape_motion_videos


@dataclass
class ClassifierConfig:
    """Shapes and recipe of one classifier; saved in the pretrained manifest."""

    class_names: list[str] = field(default_factory=list)
    n_frames: int = 16
    stride: int = 2
    image_size: int = 64
    width: int = 16           # channels of the first conv; doubled at each of 4 stages
    pool: int = 1             # average-pool frames by this factor first (2: 64px -> 32px, 4x cheaper)
    features: int = 128       # size of the penultimate layer (the Frechet-distance space)
    dataset: str = ""         # "weizmann" or "shapes": which evaluation profile applies
    # recipe
    flip: bool = True         # horizontal-flip augmentation (off for shapes: flipping left gives right)
    shift: int = 4            # random translation of whole clips by up to this many pixels
    jitter: float = 0.15      # random per-channel gain/offset of clips (unseen actors' clothing)
    motion_input: bool = True  # also feed frame differences: actions, not actors, decide
    standardize: bool = False  # per-clip, per-channel mean/std normalisation (lighting, colour casts)
    mirror_average: bool = False  # features averaged with the mirrored clip's: left/right invariant
    holdout: float = 0.34     # fraction of source videos per class held out (3 of 9 Weizmann sources)
    split_seed: int = 0
    max_per_class: int | None = None  # use at most this many videos per class (the shapes set has 4000)
    steps: int = 600
    batch: int = 16
    lr: float = 2e-3
    seed: int = 0
    eval_clips: int = 8       # evenly spaced clips per held-out video

    def __post_init__(self):
        self.class_names = list(self.class_names)
        if self.n_frames < 4 or self.stride < 1:
            raise ValueError(f"ClassifierConfig: need n_frames >= 4 and stride >= 1, got "
                             f"n_frames={self.n_frames}, stride={self.stride}")
        if self.pool < 1 or self.image_size % (16 * self.pool):
            raise ValueError(f"ClassifierConfig: `image_size` must be a multiple of 16 * pool "
                             f"(pool={self.pool}), got {self.image_size}")

    @property
    def span(self) -> int:
        """Real frames one clip covers."""
        return (self.n_frames - 1) * self.stride + 1

    def to_dict(self) -> dict:
        return asdict(self)


# Presets of the two shipped classifiers (``course-kit train classifier --recipe``).
RECIPES = {
    "weizmann": dict(dataset="weizmann", flip=True, width=12, pool=1, steps=600),
    "shapes": dict(dataset="shapes", flip=False, width=8, steps=300, max_per_class=200),
}


def guess_recipe(data: str | Path) -> str:
    """"shapes" for the procedural set or a folder named like the shape-motion set, else "weizmann"."""
    return "shapes" if "shape" in Path(str(data)).name.lower() else "weizmann"


def _block(c_in: int, c_out: int, t_stride: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv3d(c_in, c_out, (3, 4, 4), stride=(t_stride, 2, 2), padding=1, bias=False),
        nn.BatchNorm3d(c_out), nn.LeakyReLU(0.2, inplace=True))


class VideoClassifier(nn.Module):
    """Four strided 3D-conv stages, global average pooling, a feature layer and a linear head."""

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        if not config.class_names:
            raise ValueError("VideoClassifier: `config.class_names` must list the classes, got []")
        self.config = config
        w = config.width
        self.body = nn.Sequential(_block(6 if config.motion_input else 3, w, 1), _block(w, 2 * w, 2),
                                  _block(2 * w, 4 * w, 2), _block(4 * w, 8 * w, 2))
        self.embed = nn.Sequential(nn.Linear(8 * w, config.features), nn.ReLU(inplace=True))
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(config.features, len(config.class_names))

    @property
    def class_names(self) -> list[str]:
        return list(self.config.class_names)

    def check_clips(self, clips: torch.Tensor, where: str) -> None:
        c = self.config
        want = (3, c.n_frames, c.image_size, c.image_size)
        if clips.ndim != 5 or tuple(clips.shape[1:]) != want:
            raise ValueError(f"{where}: `clips` must be (N, {', '.join(map(str, want))}) floats in "
                             f"[-1, 1] (T={c.n_frames} frames, every {c.stride}th frame of a real "
                             f"video), got shape {tuple(clips.shape)}")

    def features(self, clips: torch.Tensor) -> torch.Tensor:
        """Penultimate features (N, config.features): the space of the Frechet distance."""
        self.check_clips(clips, "VideoClassifier.features")
        if self.config.mirror_average:
            return (self._features(clips) + self._features(clips.flip(-1))) / 2
        return self._features(clips)

    def _features(self, clips: torch.Tensor) -> torch.Tensor:
        if self.config.standardize:
            mean = clips.mean(dim=(2, 3, 4), keepdim=True)
            clips = (clips - mean) / clips.std(dim=(2, 3, 4), keepdim=True).clamp_min(0.05)
        if self.config.pool > 1:
            clips = F.avg_pool3d(clips, (1, self.config.pool, self.config.pool))
        if self.config.motion_input:
            diff = torch.diff(clips, dim=2, prepend=clips[:, :, :1])
            clips = torch.cat([clips, diff], dim=1)
        return self.embed(self.body(clips).mean(dim=(2, 3, 4)))

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """Logits (N, n_classes)."""
        return self.head(self.dropout(self.features(clips)))


def clips_from_uint8(videos) -> torch.Tensor:
    """(N, T, H, W, 3) uint8 (numpy or torch) -> (N, 3, T, H, W) float in [-1, 1]."""
    x = torch.as_tensor(np.asarray(videos)) if not isinstance(videos, torch.Tensor) else videos
    if x.dtype != torch.uint8 or x.ndim != 5 or x.shape[-1] != 3:
        raise ValueError(f"clips_from_uint8: `videos` must be uint8 (N, T, H, W, 3), got "
                         f"{x.dtype} {tuple(x.shape)}")
    return x.permute(0, 4, 1, 2, 3).float().div(127.5).sub(1)


@torch.no_grad()
def classify(model: VideoClassifier, videos, batch: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities (N, K), penultimate features (N, F)) for uint8 videos (N, T, H, W, 3)."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    probs, feats = [], []
    try:
        for i in range(0, len(videos), batch):
            x = clips_from_uint8(videos[i:i + batch]).to(device)
            f = model.features(x)
            probs.append(F.softmax(model.head(f), dim=1).double().cpu().numpy())
            feats.append(f.double().cpu().numpy())
    finally:
        model.train(was_training)
    k, d = len(model.class_names), model.config.features
    return (np.concatenate(probs) if probs else np.zeros((0, k)),
            np.concatenate(feats) if feats else np.zeros((0, d)))


# --- real data: loading and the held-out split ------------------------------------------------


def mirror_groups(videos: list[np.ndarray], tolerance: float = 8.0) -> np.ndarray:
    """Group ids such that a video and its horizontal mirror image share a group.

    Signature: 4 evenly spaced frames averaged down to 16x16. Two videos of
    the same length are one source when the largest difference between one
    signature and the other's mirror image is below ``tolerance`` (0-255
    scale; the Weizmann mirror pairs differ by 0, distinct videos by > 90).
    """
    n = len(videos)
    sig = np.stack([_signature(v) for v in videos]) if n else np.zeros((0, 4, 16, 16, 3))
    lengths = np.array([len(v) for v in videos])
    group = np.arange(n)
    flipped = sig[:, :, :, ::-1]
    for i in range(n):
        same = np.flatnonzero(lengths == lengths[i])
        diff = np.abs(flipped[i][None] - sig[same]).max(axis=(1, 2, 3, 4))
        for j in same[diff < tolerance]:
            if j != i:
                a, b = sorted((group[i], group[j]))
                group[group == b] = a
    return group


def _signature(video: np.ndarray) -> np.ndarray:
    frames = video[np.linspace(0, len(video) - 1, 4).round().astype(int)].astype(np.float32)
    _, h, w, _ = frames.shape
    return frames.reshape(4, 16, h // 16, 16, w // 16, 3).mean(axis=(2, 4))


def held_out_split(labels: np.ndarray, groups: np.ndarray, fraction: float,
                   seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Stratified split of whole source groups: (train indices, held-out indices)."""
    rng = np.random.default_rng(seed)
    held = []
    for label in np.unique(labels):
        gs = np.unique(groups[labels == label])
        rng.shuffle(gs)
        k = max(1, int(round(fraction * len(gs)))) if len(gs) > 1 else 0
        held += np.flatnonzero(np.isin(groups, gs[:k]) & (labels == label)).tolist()
    held = np.array(sorted(held), dtype=np.int64)
    train = np.setdiff1d(np.arange(len(labels)), held)
    return train, held


@dataclass
class RealVideos:
    """Labelled real videos of one data set, split into training and held-out parts."""

    videos: list[np.ndarray]
    labels: np.ndarray
    class_names: list[str]
    train: np.ndarray
    held_out: np.ndarray
    source: str

    def clips(self, indices, per_video: int, n_frames: int, stride: int) -> tuple[np.ndarray, np.ndarray]:
        """Evenly spaced (deterministic) clips: (clips (M, T, H, W, 3) uint8, labels (M,))."""
        span = (n_frames - 1) * stride + 1
        clips, labels = [], []
        for i in indices:
            v = self.videos[i]
            if len(v) < span:
                raise ValueError(f"RealVideos.clips: video {i} of {self.source} has {len(v)} frames, "
                                 f"fewer than one clip spans ({span})")
            for s in np.unique(np.linspace(0, len(v) - span, per_video).round().astype(int)):
                clips.append(sample_clip(v, n_frames, stride, start=int(s)))
                labels.append(self.labels[i])
        return np.stack(clips), np.array(labels, dtype=np.int64)


def load_real_videos(data: str | Path, holdout: float = 0.25, split_seed: int = 0,
                     max_per_class: int | None = None, n_frames: int = 32,
                     image_size: int = 64) -> RealVideos:
    """A class-folder root, or "shapes" for ``max_per_class`` procedural videos per direction.

    ``max_per_class`` picks a seeded subset of each class (so the 8000-video
    shapes set loads in seconds); the split is by mirror-pair source group.
    """
    if str(data) == "shapes":
        per = max_per_class or 200
        videos, labels = shape_motion_videos(2 * per, seed=split_seed + 12345, n_frames=n_frames,
                                             size=image_size)
        videos, names, source = list(videos), ["up", "left"], "procedural shapes"
    else:
        items, names = scan_class_folders(data)
        if max_per_class:
            rng = np.random.default_rng(split_seed)
            picked = []
            for label in range(len(names)):
                idx = [i for i, (_, lab) in enumerate(items) if lab == label]
                picked += sorted(rng.permutation(idx)[:max_per_class].tolist())
            items = [items[i] for i in sorted(picked)]
        ds = VideoDataset(items=items, class_names=names, n_frames=None)
        videos, labels, source = [ds.video(i) for i in range(len(ds))], ds.labels, str(data)
        size = {v.shape[1:3] for v in videos}
        if size != {(image_size, image_size)}:
            raise ValueError(f"load_real_videos: videos under {data} must be {image_size}x{image_size}, "
                             f"found sizes {sorted(size)}")
    labels = np.asarray(labels, dtype=np.int64)
    train, held = held_out_split(labels, mirror_groups(videos), holdout, split_seed)
    return RealVideos(videos, labels, list(names), train, held, source)


# --- training -----------------------------------------------------------------------------------


def _augmented_batch(real: RealVideos, cfg: ClassifierConfig, rng: np.random.Generator):
    idx = rng.choice(real.train, size=cfg.batch)
    clips = np.stack([sample_clip(real.videos[i], cfg.n_frames, cfg.stride, rng) for i in idx])
    if cfg.flip:
        flip = rng.random(cfg.batch) < 0.5
        clips[flip] = clips[flip][:, :, :, ::-1]
    if cfg.shift:
        for k in range(cfg.batch):  # translate, repeating the edge pixels
            dy, dx = rng.integers(-cfg.shift, cfg.shift + 1, size=2)
            clips[k] = np.roll(clips[k], (dy, dx), axis=(1, 2))
            clips[k] = _fill_edges(clips[k], dy, dx)
    x = clips_from_uint8(np.ascontiguousarray(clips))
    if cfg.jitter:
        gain = 1 + torch.from_numpy(rng.uniform(-cfg.jitter, cfg.jitter, (cfg.batch, 3, 1, 1, 1))).float()
        offset = torch.from_numpy(rng.uniform(-cfg.jitter, cfg.jitter, (cfg.batch, 3, 1, 1, 1))).float()
        x = (x * gain + offset).clamp(-1, 1)
    return x, torch.from_numpy(real.labels[idx])


def _fill_edges(clip: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """After np.roll by (dy, dx): replace the wrapped-around rows/columns by the nearest edge."""
    if dy > 0:
        clip[:, :dy] = clip[:, dy:dy + 1]
    elif dy < 0:
        clip[:, dy:] = clip[:, dy - 1:dy]
    if dx > 0:
        clip[:, :, :dx] = clip[:, :, dx:dx + 1]
    elif dx < 0:
        clip[:, :, dx:] = clip[:, :, dx - 1:dx]
    return clip


def evaluate_classifier(model: VideoClassifier, real: RealVideos, indices=None) -> dict:
    """Accuracy on evenly spaced clips of the held-out videos (and per-video majority vote)."""
    cfg = model.config
    indices = real.held_out if indices is None else indices
    per_video = []
    correct = total = 0
    for i in indices:
        clips, labels = real.clips([i], cfg.eval_clips, cfg.n_frames, cfg.stride)
        pred = classify(model, clips)[0].argmax(1)
        correct += int((pred == labels).sum())
        total += len(labels)
        per_video.append(np.bincount(pred, minlength=len(real.class_names)).argmax() == labels[0])
    return dict(clip_accuracy=correct / max(total, 1), video_accuracy=float(np.mean(per_video)),
                clips=total, videos=len(indices))


def train_classifier(data: str | Path, config: ClassifierConfig, threads: int | None = None,
                     device: str | None = None, progress: bool = True,
                     real: RealVideos | None = None) -> tuple[VideoClassifier, dict]:
    """Train on the training split of ``data``; returns (model in eval mode, report).

    The report holds the held-out accuracy (clips and videos), the split sizes
    and the training time. Same config and seed give the same weights on CPU.
    """
    from tqdm.auto import tqdm

    from ..device import pick_device

    if threads:
        torch.set_num_threads(threads)
    device = pick_device(device)
    if real is None:
        real = load_real_videos(data, config.holdout, config.split_seed, config.max_per_class,
                                image_size=config.image_size)
    if not config.class_names:
        config.class_names = real.class_names
    if list(config.class_names) != real.class_names:
        raise ValueError(f"train_classifier: `config.class_names` {config.class_names} do not match "
                         f"the classes of {data}: {real.class_names}")
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    model = VideoClassifier(config).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.lr, total_steps=config.steps)
    model.train()
    start = time.perf_counter()
    bar = tqdm(range(config.steps), desc="classifier", unit="step", disable=not progress,
               dynamic_ncols=True)
    for _ in bar:
        x, y = _augmented_batch(real, config, rng)
        loss = F.cross_entropy(model(x.to(device)), y.to(device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.close()
    seconds = time.perf_counter() - start
    model.eval()
    report = dict(evaluate_classifier(model, real), train_videos=len(real.train),
                  held_out_videos=len(real.held_out), train_seconds=round(seconds, 1),
                  data=real.source, parameters=sum(p.numel() for p in model.parameters()))
    if config.dataset == "shapes":
        report["procedural_accuracy"] = procedural_shapes_accuracy(model)
    return model, report


def procedural_shapes_accuracy(model: VideoClassifier, n: int = 200, seed: int = 2024) -> float:
    """Accuracy on the kit's procedural shape videos (labels 0 up, 1 left): how well it transfers."""
    c = model.config
    videos, labels = shape_motion_videos(n, seed=seed, n_frames=c.span, size=c.image_size)
    probs, _ = classify(model, videos[:, ::c.stride])
    return float((probs.argmax(1) == labels).mean())


# --- shipping ---------------------------------------------------------------------------------

def model_card(name: str, config: ClassifierConfig, report: dict, extra: str = "") -> str:
    """Markdown card (the kit's template): what it is, the recipe, the measured accuracy, the data credit."""
    from ..training.card import CREDITS, render_card
    c = config
    credit = CREDITS.get(c.dataset, f"The videos under {report.get('data')}; credit their sources.")
    procedural = ""
    if "procedural_accuracy" in report:
        procedural = (f"\nAccuracy on procedural shapes: **{report['procedural_accuracy']:.3f}** (200 videos "
                      f"of `course_kit.data.shape_motion_videos`, seed 2024).\n")
    intro = f"""A small 3D-CNN action classifier ({report['parameters']:,} parameters, fp16 weights) that
the kit uses to evaluate MoCoGAN models offline: Motion Control Score,
an Inception-Score-like number, and the Frechet distance of its
{c.features}-d penultimate features (`course-kit evaluate mocogan`).

- Classes: {', '.join(c.class_names)} (class folders in sorted order).
- Input: (N, 3, {c.n_frames}, {c.image_size}, {c.image_size}) in [-1, 1]: {c.n_frames} frames with
  frame stride {c.stride} from a real video (what MoCoGAN trains on)."""
    usage = ["import course_kit", f"classifier = course_kit.load_pretrained({name!r})"]
    recipe = f"""Width {c.width} (four strided 3D-conv stages, BatchNorm, LeakyReLU){f', frames average-pooled {c.pool}x first' if c.pool > 1 else ''}{', frame differences as extra input channels' if c.motion_input else ''}{', clips standardised per channel' if c.standardize else ''}{', features averaged with the mirrored clip (left/right invariant)' if c.mirror_average else ''};
dropout 0.3 before the head. AdamW (one-cycle, max lr {c.lr}, weight decay 1e-4),
batch {c.batch}, {c.steps} steps, seed {c.seed}. Augmentation: random clip windows{', random horizontal flips' if c.flip else ' (no flips: a flipped left motion would be a right motion)'},
random shifts up to {c.shift} px, per-channel gain/offset jitter {c.jitter}.
Trained on CPU with 1 thread in {report['train_seconds']:.0f} s (wall clock on a shared machine;
`course-kit train classifier --data ... --recipe {c.dataset or 'weizmann'} --name {name}`)."""
    measured = f"""Held-out accuracy: **{report['clip_accuracy']:.3f}** on {report['clips']} clips
(up to {c.eval_clips} evenly spaced per video), {report['video_accuracy']:.3f} per video
(majority vote) on {report['videos']} videos.
{procedural}{extra}"""
    data = f"""{credit}
Split: {c.holdout:.0%} of the source videos of each class held out (seed {c.split_seed}),
a video and its mirror image always on the same side
({report['train_videos']} training videos, {report['held_out_videos']} held out)."""
    return render_card(name, intro, usage, recipe=recipe, measured=measured, data=data)


def save_classifier(name: str, model: VideoClassifier, report: dict, extra_card: str = "",
                    directory=None) -> Path:
    """Ship ``model`` as a pretrained "classifier" (fp16 safetensors + card + manifest)."""
    from ..pretrained import PRETRAINED_DIR, save_pretrained

    card = model_card(name, model.config, report, extra_card)
    return save_pretrained(name, "classifier", model.state_dict(), model.config.to_dict(), card,
                           directory=directory or PRETRAINED_DIR)


def from_pretrained_state(config: dict, state: dict, device: torch.device) -> VideoClassifier:
    """The loader ``course_kit.load_pretrained`` uses for kind "classifier"."""
    model = VideoClassifier(ClassifierConfig(**config))
    model.load_state_dict(state)
    return model.to(device).eval()
