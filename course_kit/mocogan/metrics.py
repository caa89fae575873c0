"""Video-generation metrics that run offline: ACD, MCS, an Inception-like score, Frechet distance,
diversity, content consistency, precision and recall.

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
- ``class_diversity``: mean pairwise distance between samples of the same
  class, averaged over classes (pixels or classifier features); a generator
  that always draws the same video scores 0, which ACD alone rewards.
- ``content_consistency``: how far the mean content colour moves between
  videos of one group (one content code z_C, several motion codes) against
  videos of different groups.
- ``motion_diversity``: mean pairwise distance between the frame-to-frame
  difference sequences of videos in one group (same z_C, different z_M).
- ``precision_recall``: Kynkaanniemi et al. 2019, "Improved Precision and
  Recall Metric for Assessing Generative Models": k-NN balls around each
  sample estimate each set's manifold; precision is the fraction of
  generated samples inside the real manifold, recall the fraction of real
  samples inside the generated one.

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


# --- diversity, content consistency, precision and recall -------------------------------------


def _as_labels(labels, n: int, where: str, name: str = "labels") -> np.ndarray:
    lab = np.asarray(labels)
    if lab.shape != (n,) or not (lab.dtype.kind in "iub"):
        raise ValueError(f"{where}: `{name}` must be an int array with one entry per sample ({n},), "
                         f"got {lab.dtype} {lab.shape}")
    return lab


def _pairwise_l2(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N_a, N_b) Euclidean distances between the rows of (N_a, D) and (N_b, D), float64."""
    # exact differences (not |a|^2 + |b|^2 - 2ab): identical rows are exactly 0 apart
    out = np.empty((len(a), len(b)))
    for i in range(0, len(a), 64):
        out[i:i + 64] = np.sqrt(((a[i:i + 64, None] - b[None]) ** 2).sum(-1))
    return out


def _mean_pairwise(x: np.ndarray, metric: str) -> float:
    """Mean distance over the unordered pairs of rows of ``x`` (N, ...); NaN when N < 2."""
    n = len(x)
    if n < 2:
        return float("nan")
    if metric == "l2":
        f = x.reshape(n, -1).astype(np.float64)
        return float(_pairwise_l2(f, f)[np.triu_indices(n, 1)].mean())
    total, f = 0.0, x.reshape(n, -1).astype(np.float32)
    for i in range(n - 1):  # one row against the rest: memory stays (N, D)
        total += float(np.abs(f[i + 1:] - f[i]).mean(axis=1, dtype=np.float64).sum())
    return total / (n * (n - 1) / 2)


def class_diversity(samples, labels, metric: str = "l1") -> dict:
    """Mean pairwise distance within each class, averaged over classes -> {"mean", "per_class"}.

    ``samples``: (N, ...) numbers, e.g. uint8 videos (N, T, H, W, 3) or
    features (N, D); ``labels``: (N,) ints, the class of each sample.
    ``metric``: "l1" is the mean absolute difference per element (videos:
    0-255), "l2" the Euclidean distance of the flattened samples (features).
    Classes with fewer than two samples are left out of the mean;
    ``per_class`` maps each class to its value (NaN when it has < 2).
    ``mean`` is NaN when no class has two samples. Identical samples score 0.
    """
    x = samples.numpy() if hasattr(samples, "numpy") else np.asarray(samples)
    if x.ndim < 2 or x.dtype.kind not in "uif":
        raise ValueError(f"class_diversity: `samples` must be a numeric array (N, ...) with at least "
                         f"2 dimensions, got {x.dtype} {x.shape}")
    if metric not in ("l1", "l2"):
        raise ValueError(f"class_diversity: `metric` must be 'l1' or 'l2', got {metric!r}")
    lab = _as_labels(labels, len(x), "class_diversity")
    per_class = {int(c): _mean_pairwise(x[lab == c], metric) for c in np.unique(lab)}
    ok = [v for v in per_class.values() if not np.isnan(v)]
    return dict(mean=float(np.mean(ok)) if ok else float("nan"), per_class=per_class)


def mean_content_colour(videos, content: str = "bright", threshold: float | None = None,
                        min_pixels: int = 4) -> np.ndarray:
    """(N, 3) mean colour (0-255) of each video's content over its frames; NaN rows without content.

    The mean of ``frame_colours`` over the frames that have content (each
    frame weighs the same, however large its content).
    """
    colours = frame_colours(videos, content_masks(videos, content, threshold), min_pixels)
    out = np.full((len(colours), 3), np.nan)
    ok = ~np.isnan(colours).any(axis=2)
    for i in np.flatnonzero(ok.any(axis=1)):
        out[i] = colours[i][ok[i]].mean(axis=0)
    return out


def content_consistency(colours, groups) -> dict:
    """Appearance kept within groups: {"same", "different", "ratio"}.

    ``colours``: (N, 3) one appearance vector per video (e.g.
    ``mean_content_colour``, 0-255; NaN rows are skipped); ``groups``: (N,)
    ints, videos that share a content code share a group. ``same`` is the
    mean L2 distance over pairs in one group (0 when a content code keeps
    its colour whatever the motion), ``different`` over pairs from
    different groups (how much contents differ at all), ``ratio`` =
    same / different (lower is more consistent; about 1 when the motion
    code decides the appearance as much as the content code). NaN where no
    pair exists.
    """
    c = np.asarray(colours, dtype=np.float64)
    if c.ndim != 2 or c.shape[1] < 1:
        raise ValueError(f"content_consistency: `colours` must be (N, C), got shape {c.shape}")
    g = _as_labels(groups, len(c), "content_consistency", "groups")
    ok = ~np.isnan(c).any(axis=1)
    c, g = c[ok], g[ok]
    d = _pairwise_l2(c, c)
    iu = np.triu_indices(len(c), 1)
    same_pair = (g[:, None] == g[None])[iu]
    dist = d[iu]
    same = float(dist[same_pair].mean()) if same_pair.any() else float("nan")
    different = float(dist[~same_pair].mean()) if (~same_pair).any() else float("nan")
    ratio = same / different if different > 0 else float("nan")
    return dict(same=same, different=different, ratio=ratio)


def motion_diversity(videos, groups) -> float:
    """Mean pairwise distance of frame-to-frame differences within groups (0-255), averaged over groups.

    ``videos``: uint8 (N, T, H, W, 3) with T >= 2; ``groups``: (N,) ints
    (videos that share a content code z_C and an action, with different
    motion codes z_M). Each video's motion is its sequence of signed frame
    differences (T-1, H, W, 3); two videos' distance is the mean absolute
    difference of those sequences. 0 when a content code always moves the
    same way; NaN when no group has two videos.
    """
    v = _as_videos(videos, "motion_diversity")
    if v.shape[1] < 2:
        raise ValueError(f"motion_diversity: `videos` need at least 2 frames, got {v.shape[1]}")
    g = _as_labels(groups, len(v), "motion_diversity", "groups")
    values = []
    for k in np.unique(g):
        members = v[g == k]
        if len(members) >= 2:
            values.append(_mean_pairwise(np.diff(members.astype(np.int16), axis=1), "l1"))
    return float(np.mean(values)) if values else float("nan")


def knn_radii(features, k: int = 3) -> np.ndarray:
    """(N,) distance from each row of (N, D) to its k-th nearest other row (itself excluded)."""
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 2 or len(f) <= k:
        raise ValueError(f"knn_radii: `features` must be (N > k={k}, D), got shape {f.shape}")
    d = _pairwise_l2(f, f)
    np.fill_diagonal(d, np.inf)
    return np.partition(d, k - 1, axis=1)[:, k - 1]


def precision_recall(real_features, fake_features, k: int = 3) -> dict:
    """Kynkaanniemi et al. (2019) precision and recall -> {"precision", "recall"}.

    ``real_features`` (N_r, D), ``fake_features`` (N_g, D), each with more
    than ``k`` rows. Each set's manifold is the union of balls around its
    samples, of radius the distance to the sample's k-th nearest neighbour
    in its own set. Precision: fraction of fake samples inside the real
    manifold (are generated samples realistic); recall: fraction of real
    samples inside the fake manifold (does the generator cover the data). A
    set against itself gets 1 and 1; a collapsed generator (every sample
    the same) has radius 0 and so a recall near 0.
    """
    if not (isinstance(k, int) and not isinstance(k, bool) and k >= 1):
        raise ValueError(f"precision_recall: `k` must be an int >= 1, got {k!r}")
    r = np.asarray(real_features, dtype=np.float64)
    g = np.asarray(fake_features, dtype=np.float64)
    for name, x in (("real_features", r), ("fake_features", g)):
        if x.ndim != 2 or len(x) <= k:
            raise ValueError(f"precision_recall: `{name}` must be (N > k={k}, D), got shape {x.shape}")
    if r.shape[1] != g.shape[1]:
        raise ValueError(f"precision_recall: `real_features` and `fake_features` must have the same D, "
                         f"got {r.shape} and {g.shape}")
    d = _pairwise_l2(g, r)  # (N_g, N_r)
    precision = (d <= knn_radii(r, k)[None]).any(axis=1).mean()
    recall = (d <= knn_radii(g, k)[:, None]).any(axis=0).mean()
    return dict(precision=float(precision), recall=float(recall))
