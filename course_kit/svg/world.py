"""A procedural 2-D pushing world: the kit's stand-in for BAIR robot pushing.

A gripper moves over a textured table and pushes one to three pucks with
simple contact physics. Each puck has its own hidden friction (how far it
keeps sliding after a push), which two context frames cannot reveal: that is
the uncertainty a stochastic video model has to learn. With ``kick_at`` set,
every puck also gets an unobserved push at that frame (a fixed speed in a
random direction, as if a hidden second agent flicked it, after which the
puck glides far: it keeps ``kick_glide`` of its speed per frame), so the
futures of one context diverge in direction as well as in distance, by
tens of pixels. Every video is
simulated and rendered for a whole batch at once with numpy, so thousands of
videos take minutes.

Per frame the world records, as in the BAIR course folders:

- ``actions`` (4): the gripper command that leads from frame t to t+1:
  (dx, dy) in table units (the table is [0, 1] x [0, 1]), dz (lift) and
  grip (1 closed, 0 open).
- ``positions`` (3): the end effector at frame t: (x, y) in table units and
  height z in [0, 1] (only a lowered gripper, z < 0.5, pushes pucks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PushBatch", "simulate", "N_ACTION", "N_POSITION"]

N_ACTION = 4
N_POSITION = 3
_MAX_OBJECTS = 3


@dataclass
class PushBatch:
    """A batch of pushing videos.

    frames:    (N, T, size, size, 3) uint8
    actions:   (N, T, 4) float32, row t leads from frame t to t+1
    positions: (N, T, 3) float32, the end effector at frame t
    """
    frames: np.ndarray
    actions: np.ndarray
    positions: np.ndarray


def simulate(n_videos: int, n_frames: int = 30, size: int = 64, seed: int = 0, kick_at: int | None = None,
             kick_speed: float = 4.0, kick_glide: float = 0.9, max_objects: int = _MAX_OBJECTS) -> PushBatch:
    """Simulate and render ``n_videos`` pushing videos; the same seed gives the same bytes.

    ``kick_at``: the frame after which every puck gets a hidden push of
    ``kick_speed`` pixels per frame (at 64 px) in a uniformly random
    direction, after which a kicked puck keeps at least ``kick_glide`` of its
    speed per frame (without it the hidden friction would stop it within a
    few pixels); None (the default) for no pushes but the gripper's.
    ``max_objects`` (1 to 3) caps the pucks per video.
    """
    for name, value, low in (("n_videos", n_videos, 1), ("n_frames", n_frames, 2), ("size", size, 16)):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"simulate: `{name}` must be an integer >= {low}, got {value!r}")
    if kick_at is not None and (not isinstance(kick_at, (int, np.integer)) or not 0 <= kick_at < n_frames):
        raise ValueError(f"simulate: `kick_at` must be None or a frame index in [0, n_frames={n_frames}), "
                         f"got {kick_at!r}")
    if not 0 <= kick_glide < 1:
        raise ValueError(f"simulate: `kick_glide` must be in [0, 1) (speed kept per frame), got {kick_glide!r}")
    if not isinstance(max_objects, (int, np.integer)) or not 1 <= max_objects <= _MAX_OBJECTS:
        raise ValueError(f"simulate: `max_objects` must be an integer in [1, {_MAX_OBJECTS}], got {max_objects!r}")
    rng = np.random.default_rng(seed)
    world = _World(n_videos, size, rng)
    if max_objects < _MAX_OBJECTS:
        world.active[:, max_objects:] = False
    kicks = None
    if kick_at is not None:   # its own stream: the rest of the video is the same with or without kicks
        angle = np.random.default_rng([seed, 1]).uniform(0, 2 * np.pi, (n_videos, _MAX_OBJECTS))
        kicks = kick_speed * size / 64.0 * np.stack([np.cos(angle), np.sin(angle)], -1)
    frames = np.empty((n_videos, n_frames, size, size, 3), np.uint8)
    actions = np.empty((n_videos, n_frames, N_ACTION), np.float32)
    positions = np.empty((n_videos, n_frames, N_POSITION), np.float32)
    for t in range(n_frames):
        frames[:, t] = world.render()
        positions[:, t] = world.end_effector()
        actions[:, t] = world.plan(rng)
        if t == kick_at:
            world.vel = np.where(world.active[..., None], kicks, world.vel)
            world.slide = np.where(world.active, np.maximum(world.slide, kick_glide), world.slide)
        world.step(actions[:, t])
    return PushBatch(frames, actions, positions)


class _World:
    """State of N worlds in pixel units; all updates are vectorised over N."""

    def __init__(self, n: int, size: int, rng: np.random.Generator):
        self.n, self.size = n, size
        s = size / 64.0  # sizes below are tuned for 64x64 and scale with the frame
        self.wall = 3.0 * s
        self.grip_radius = 4.5 * s
        self.max_speed = rng.uniform(1.6, 3.0, n) * s
        k = _MAX_OBJECTS
        self.active = np.arange(k)[None, :] < rng.integers(1, k + 1, n)[:, None]      # (N, K)
        self.radius = rng.uniform(4.0, 7.0, (n, k)) * s
        self.slide = rng.uniform(0.0, 0.85, (n, k))   # hidden friction: velocity kept per frame
        self.vel = np.zeros((n, k, 2))
        self.obj = self._free_spots(rng, k)
        self.grip = rng.uniform(self.wall + 6 * s, size - self.wall - 6 * s, (n, 2))
        self.grip_v = np.zeros((n, 2))
        self.z = np.zeros(n)
        self.closed = (rng.random(n) < 0.5).astype(float)
        self.target = self.grip.copy()
        self.lift_left = np.zeros(n, int)
        self.background = _table_texture(n, size, rng)
        self.obj_colour = _bright_colours(rng, (n, k)).astype(np.float32)
        self.grip_colour = (rng.uniform(0.15, 0.35, (n, 1)) * np.ones((1, 3))).astype(np.float32)
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
        self.xx, self.yy = xx[None], yy[None]

    def _free_spots(self, rng, k):
        """Object centres, re-drawn a few times so pucks rarely start overlapping."""
        lo, hi = self.wall + 8, self.size - self.wall - 8
        pos = rng.uniform(lo, hi, (self.n, k, 2))
        for _ in range(20):
            d = np.linalg.norm(pos[:, :, None] - pos[:, None], axis=-1) + np.eye(k) * 1e9
            bad = (d < (self.radius[:, :, None] + self.radius[:, None]) + 1).any(-1)
            if not bad.any():
                break
            pos[bad] = rng.uniform(lo, hi, (int(bad.sum()), 2))
        return pos

    # --- the gripper's controller: wander, often heading for a puck ---------
    def plan(self, rng) -> np.ndarray:
        n, lo, hi = self.n, self.wall + 2, self.size - self.wall - 2
        near = np.linalg.norm(self.target - self.grip, axis=1) < 1.5
        retarget = near | (rng.random(n) < 0.12)
        aim = rng.integers(0, _MAX_OBJECTS, n)
        aim = np.where(self.active[np.arange(n), aim], aim, 0)
        through = self.obj[np.arange(n), aim] + rng.normal(0, 3, (n, 2))
        beyond = through + (through - self.grip) * rng.uniform(0.3, 1.0, (n, 1))  # push through it
        anywhere = rng.uniform(lo, hi, (n, 2))
        new_target = np.where((rng.random(n) < 0.65)[:, None], beyond, anywhere)
        self.target = np.where(retarget[:, None], np.clip(new_target, lo, hi), self.target)
        step = self.target - self.grip
        length = np.linalg.norm(step, axis=1, keepdims=True)
        step = step * np.minimum(1.0, self.max_speed[:, None] / np.maximum(length, 1e-6))
        step = step + rng.normal(0, 0.15, (n, 2))
        # Now and then lift the gripper for a few frames (it then passes over pucks).
        start = (self.lift_left == 0) & (rng.random(n) < 0.04)
        self.lift_left = np.where(start, rng.integers(3, 8, n), np.maximum(self.lift_left - 1, 0))
        goal_z = (self.lift_left > 0).astype(float)
        dz = np.clip(goal_z - self.z, -0.35, 0.35)
        toggle = rng.random(n) < 0.05
        self.closed = np.where(toggle, 1.0 - self.closed, self.closed)
        return np.concatenate([step / self.size, dz[:, None], self.closed[:, None]], 1).astype(np.float32)

    def end_effector(self) -> np.ndarray:
        return np.concatenate([self.grip / self.size, self.z[:, None]], 1).astype(np.float32)

    # --- physics ---------------------------------------------------------------
    def step(self, action: np.ndarray) -> None:
        lo, hi = self.wall, self.size - self.wall
        old = self.grip.copy()
        self.grip = np.clip(self.grip + action[:, :2] * self.size, lo + self.grip_radius, hi - self.grip_radius)
        self.grip_v = self.grip - old
        self.z = np.clip(self.z + action[:, 2], 0.0, 1.0)
        # Pucks keep sliding with their hidden friction.
        self.obj = self.obj + self.vel
        self.vel = self.vel * self.slide[..., None]
        # The lowered gripper pushes pucks out of its way and gives them momentum.
        down = (self.z < 0.5)[:, None] & self.active
        d = self.obj - self.grip[:, None]
        dist = np.linalg.norm(d, axis=-1, keepdims=True)
        normal = d / np.maximum(dist, 1e-6)
        overlap = np.maximum(self.grip_radius + self.radius[..., None] - dist, 0) * down[..., None]
        self.obj = self.obj + normal * overlap
        self.vel = self.vel + normal * overlap * self.slide[..., None]
        # Pucks push each other (equal and opposite, a couple of relaxation passes).
        for _ in range(2):
            for i, j in ((0, 1), (0, 2), (1, 2)):
                both = (self.active[:, i] & self.active[:, j])[:, None]
                d = self.obj[:, i] - self.obj[:, j]
                dist = np.linalg.norm(d, axis=-1, keepdims=True)
                normal = d / np.maximum(dist, 1e-6)
                push = 0.5 * np.maximum(self.radius[:, i:i + 1] + self.radius[:, j:j + 1] - dist, 0) * both
                self.obj[:, i] += normal * push
                self.obj[:, j] -= normal * push
                shared = 0.5 * (self.vel[:, i] + self.vel[:, j])
                self.vel[:, i] = np.where(push > 0, shared, self.vel[:, i])
                self.vel[:, j] = np.where(push > 0, shared, self.vel[:, j])
        # Walls stop pucks and bounce them softly.
        r = self.radius[..., None]
        low_hit, high_hit = self.obj < lo + r, self.obj > hi - r
        self.vel = np.where(low_hit | high_hit, -0.3 * self.vel, self.vel)
        self.obj = np.clip(self.obj, lo + r, hi - r)

    # --- rendering ---------------------------------------------------------------
    def render(self) -> np.ndarray:
        img = self.background.copy()
        for k in range(_MAX_OBJECTS):   # shadows first, then the pucks
            cover = _disc(self.xx, self.yy, self.obj[:, k] + 1.2, self.radius[:, k]) * self.active[:, k, None, None]
            img *= 1 - 0.35 * cover[..., None]
        for k in range(_MAX_OBJECTS):
            c = self.obj[:, k]
            cover = _disc(self.xx, self.yy, c, self.radius[:, k]) * self.active[:, k, None, None]
            c, r = c.astype(np.float32), self.radius[:, k, None, None].astype(np.float32)
            rel = np.hypot(self.xx - c[:, 0, None, None], self.yy - c[:, 1, None, None]) / r
            shade = (1.05 - 0.35 * rel ** 2)[..., None]          # a domed puck, lit from above
            img = img * (1 - cover[..., None]) + cover[..., None] * np.clip(self.obj_colour[:, k, None, None] * shade, 0, 1)
        lift = self.z[:, None].astype(np.float32)
        grip_r = self.grip_radius * (1 + 0.45 * self.z)
        shadow = _disc(self.xx, self.yy, self.grip + 1.0 + 3.0 * lift, self.grip_radius)
        img *= 1 - 0.4 * shadow[..., None]
        body = _disc(self.xx, self.yy, self.grip, grip_r)
        ring = body - _disc(self.xx, self.yy, self.grip, grip_r - 1.3)
        img = img * (1 - body[..., None]) + body[..., None] * (self.grip_colour[:, None, None] + 0.25 * lift[:, None, None])
        img = img * (1 - ring[..., None]) + ring[..., None] * 0.05
        jaw = _disc(self.xx, self.yy, self.grip, 0.45 * grip_r) * self.closed[:, None, None].astype(np.float32)
        img = img * (1 - jaw[..., None]) + jaw[..., None] * np.array([0.95, 0.85, 0.2], np.float32)
        return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)


def _disc(xx, yy, centre, radius):
    """Anti-aliased coverage (N, H, W) of discs with the given centres (N, 2) and radii (N,)."""
    centre = centre.astype(np.float32)
    radius = np.broadcast_to(np.asarray(radius, np.float32), centre.shape[:1])
    d = np.hypot(xx - centre[:, 0, None, None], yy - centre[:, 1, None, None])
    return np.clip(radius[:, None, None] - d + 0.5, 0.0, 1.0)


def _bright_colours(rng, shape):
    """Saturated random colours (..., 3) in [0, 1], via a random hue."""
    hue = rng.random(shape)
    rgb = np.clip(np.abs(((hue[..., None] * 6 + np.array([0, 4, 2])) % 6) - 3) - 1, 0, 1)
    return 0.25 + 0.7 * rgb * rng.uniform(0.8, 1.0, shape + (1,))


def _table_texture(n, size, rng):
    """A wood-like table per video: random tint, a grain of random sinusoids, fine noise, darker rim."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    base = rng.uniform(0.35, 0.75, (n, 1, 1, 1)) * (1 + rng.uniform(-0.25, 0.25, (n, 1, 1, 3)))
    angle = rng.uniform(0, np.pi, (n, 1, 1))
    u = np.cos(angle) * xx + np.sin(angle) * yy
    v = -np.sin(angle) * xx + np.cos(angle) * yy
    freq = rng.uniform(6, 18, (n, 1, 1))
    grain = np.sin(2 * np.pi * (freq * u + 0.8 * np.sin(2 * np.pi * rng.uniform(1, 3, (n, 1, 1)) * v)))
    pattern = 1 + 0.08 * grain[..., None] + rng.normal(0, 0.025, (n, size, size, 1))
    img = base * pattern
    wall = max(1, round(3 * size / 64))
    rim = np.zeros((size, size), bool)
    rim[:wall], rim[-wall:], rim[:, :wall], rim[:, -wall:] = True, True, True, True
    img[:, rim] *= 0.45
    return np.clip(img, 0, 1).astype(np.float32)
