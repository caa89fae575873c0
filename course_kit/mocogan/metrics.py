"""Video-generation metrics that run offline: ACD, MCS, an Inception-like score, Frechet distance.

Every function takes plain arrays, so the same code scores real and
generated videos:

- ``average_content_distance``: the MoCoGAN paper's ACD (Tulyakov et al.
  2018, Table 1): for each video, the mean pairwise L2 distance between the
  per-frame mean colours of the moving content, averaged over videos. Colours
  are on the 0-255 scale: the paper's shape-motion numbers (MoCoGAN 1.79,
  VGAN 5.02) only fit that scale (two colours in [0, 1] are at most
  sqrt(3) = 1.73 apart), and it keeps uint8 videos exact.
- ``motion_control_score``: accuracy of a classifier on videos generated
  for a requested action.
- ``inception_score``: exp(E_x KL(p(y|x) || p(y))) with the kit's classifier.
- ``frechet_distance``: ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))
  between two feature sets (FVD's formula in the kit classifier's features).
- ``motion_directions``: where a single shape moves, from its centroid track
  (for the shape-motion set; independent of any classifier).

"Content" is found one of two ways (``content=``):

- ``"bright"``: pixels whose brightest channel exceeds ``threshold`` (the
  shapes set: one coloured object on black);
- ``"moving"``: pixels whose RGB distance from the video's per-pixel median
  frame exceeds ``threshold`` (the Weizmann set: a person in front of a
  static wall; the median frame is the background, so limbs that move are
  content and a torso that stays put is not).
"""

from __future__ import annotations

import numpy as np

CONTENT_METHODS = {"bright": 40.0, "moving": 40.0}  # method -> default threshold (0-255 scale)
DIRECTIONS = ("up", "left")                          # label 0, label 1 (the shape-motion set)


def _as_videos(videos, where: str) -> np.ndarray:
    v = videos.numpy() if hasattr(videos, "numpy") else np.asarray(videos)
    if v.dtype != np.uint8 or v.ndim != 5 or v.shape[-1] != 3:
        raise ValueError(f"{where}: `videos` must be uint8 (N, T, H, W, 3), got {v.dtype} {v.shape}")
    return v


def content_masks(videos, content: str = "bright", threshold: float | None = None) -> np.ndarray:
    """Boolean masks (N, T, H, W) of the content pixels of uint8 videos (N, T, H, W, 3)."""
    v = _as_videos(videos, "content_masks")
    if content not in CONTENT_METHODS:
        raise ValueError(f"content_masks: `content` must be one of {sorted(CONTENT_METHODS)}, "
                         f"got {content!r}")
    threshold = CONTENT_METHODS[content] if threshold is None else float(threshold)
    if content == "bright":
        return v.max(axis=-1) > threshold
    masks = np.empty(v.shape[:4], dtype=bool)
    for i, video in enumerate(v):  # one video at a time keeps float copies small
        f = video.astype(np.float32)
        background = np.median(f, axis=0)
        masks[i] = np.sqrt(((f - background) ** 2).sum(axis=-1)) > threshold
    return masks


def frame_colours(videos, masks: np.ndarray, min_pixels: int = 4) -> np.ndarray:
    """Mean colour (0-255) of the masked pixels per frame: (N, T, 3); NaN where fewer than ``min_pixels``."""
    v = _as_videos(videos, "frame_colours").astype(np.float64)
    if masks.shape != v.shape[:4]:
        raise ValueError(f"frame_colours: `masks` must be {v.shape[:4]}, got {masks.shape}")
    counts = masks.sum(axis=(2, 3))
    sums = (v * masks[..., None]).sum(axis=(2, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        colours = sums / counts[..., None]
    colours[counts < min_pixels] = np.nan
    return colours


def content_distance(colours: np.ndarray) -> float:
    """Mean pairwise L2 distance between the valid (non-NaN) rows of (T, 3); NaN if fewer than 2."""
    c = colours[~np.isnan(colours).any(axis=1)]
    if len(c) < 2:
        return float("nan")
    d = np.sqrt(((c[:, None] - c[None]) ** 2).sum(-1))
    return float(d[np.triu_indices(len(c), 1)].mean())


def average_content_distance(videos, content: str = "bright", threshold: float | None = None,
                             min_pixels: int = 4) -> dict:
    """ACD over videos (N, T, H, W, 3) uint8 -> {"acd", "videos_with_content", "content_area"}.

    Frames with fewer than ``min_pixels`` content pixels have no colour and
    are skipped; videos with fewer than two such frames are left out (and
    counted). ``acd`` is NaN when no video has content. ``content_area`` is
    the mean fraction of pixels taken as content: a generator that fills the
    frame, or does not move, can score a low ACD, and this shows it.
    """
    masks = content_masks(videos, content, threshold)
    per_video = np.array([content_distance(c) for c in frame_colours(videos, masks, min_pixels)])
    ok = ~np.isnan(per_video)
    return dict(acd=float(per_video[ok].mean()) if ok.any() else float("nan"),
                videos_with_content=float(ok.mean()) if len(ok) else 0.0,
                content_area=float(masks.mean()) if masks.size else 0.0)


def motion_control_score(probabilities, requested) -> float:
    """Fraction of videos whose most likely class is the requested one."""
    p = np.asarray(probabilities)
    r = np.asarray(requested)
    if p.ndim != 2 or r.shape != (len(p),):
        raise ValueError(f"motion_control_score: need probabilities (N, K) and requested (N,), got "
                         f"{p.shape} and {r.shape}")
    return float((p.argmax(axis=1) == r).mean()) if len(p) else float("nan")


def inception_score(probabilities, eps: float = 1e-12) -> float:
    """exp(mean_x KL(p(y|x) || p(y))): 1 for identical predictions, up to K for confident, balanced ones."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0:
        raise ValueError(f"inception_score: `probabilities` must be (N >= 1, K), got {p.shape}")
    marginal = p.mean(axis=0, keepdims=True)
    kl = (p * (np.log(p + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))


def _sqrtm_psd(s: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((s + s.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(features_a, features_b) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (N_a, D) and (N_b, D).

    Tr((S_a S_b)^(1/2)) is computed as Tr((S_a^(1/2) S_b S_a^(1/2))^(1/2)),
    which is the same number but only needs symmetric eigen-decompositions:
    stable for the singular covariances of a few hundred samples in
    128 dimensions, and no scipy.
    """
    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise ValueError(f"frechet_distance: need two feature sets (N >= 2, D) with the same D, got "
                         f"{a.shape} and {b.shape}")
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrtm_psd(s_a)
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ s_b @ root_a), 0, None)).sum()
    value = ((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * cross
    return float(max(value, 0.0))


def centroid_tracks(videos, content: str = "bright", threshold: float | None = None,
                    min_pixels: int = 4) -> np.ndarray:
    """(N, T, 2) centroid (y, x) of the content per frame; NaN where a frame has no content."""
    masks = content_masks(videos, content, threshold)
    n, t, h, w = masks.shape
    ys, xs = np.mgrid[0:h, 0:w]
    counts = masks.sum(axis=(2, 3)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        cy = (masks * ys).sum(axis=(2, 3)) / counts
        cx = (masks * xs).sum(axis=(2, 3)) / counts
    track = np.stack([cy, cx], axis=-1)
    track[counts < min_pixels] = np.nan
    return track


def motion_directions(videos, content: str = "bright", threshold: float | None = None,
                      min_travel: float = 4.0) -> np.ndarray:
    """Label per video from its centroid track: 0 up, 1 left, -1 anything else.

    The velocity is a least-squares line through the valid centroids; the
    dominant axis and its sign give the direction. "Anything else" covers
    down/right motion, a travel under ``min_travel`` pixels over the clip,
    and videos with fewer than two frames of content.
    """
    out = np.full(len(videos), -1, dtype=np.int64)
    for i, track in enumerate(centroid_tracks(videos, content, threshold)):
        ok = ~np.isnan(track).any(axis=1)
        if ok.sum() < 2:
            continue
        t = np.flatnonzero(ok).astype(np.float64)
        vy, vx = np.polyfit(t, track[ok], 1)[0]
        travel = np.hypot(vy, vx) * (len(track) - 1)
        if travel < min_travel:
            continue
        if abs(vy) >= abs(vx) and vy < 0:
            out[i] = 0
        elif abs(vx) > abs(vy) and vx < 0:
            out[i] = 1
    return out


def direction_accuracy(videos, requested, content: str = "bright",
                       threshold: float | None = None) -> float:
    """Fraction of shape videos that move in the requested direction (0 up, 1 left)."""
    r = np.asarray(requested)
    if r.shape != (len(videos),):
        raise ValueError(f"direction_accuracy: `requested` must have one label per video "
                         f"({len(videos)}), got shape {r.shape}")
    return float((motion_directions(videos, content, threshold) == r).mean()) if len(r) else float("nan")
