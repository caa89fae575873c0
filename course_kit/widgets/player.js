// course_kit video player: the anywidget front end of VideoPlayer and VideoGrid.
//
// Everything that moves runs here, in the browser: each video arrives once as
// a sprite sheet (one image, frames tiled row by row), a requestAnimationFrame
// loop picks the frame from the clock and draws it on a small canvas that CSS
// scales up with `image-rendering: pixelated`. The kernel hears from us only
// when the user pauses or seeks (so `player.frame` is right in Python), never
// per frame, so playback is as smooth on Colab as on a local JupyterLab.

const SPEEDS = [0.25, 0.5, 1, 2, 4];

function el(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

async function decodeSprite(view, mime) {
  // `view` is a DataView (anywidget) or an ArrayBuffer/bytes-like.
  const blob = new Blob([view], { type: mime });
  if (typeof createImageBitmap === "function") return await createImageBitmap(blob);
  const url = URL.createObjectURL(blob);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function render({ model, el: host }) {
  const root = el("div", "ck-video", host);
  root.tabIndex = 0;
  const grid = el("div", "ck-video-grid", root);
  const bar = el("div", "ck-video-controls", root);
  const playButton = el("button", "ck-video-play", bar);
  playButton.type = "button";
  const slider = el("input", "ck-video-slider", bar);
  slider.type = "range";
  slider.min = "0";
  slider.step = "1";
  slider.setAttribute("aria-label", "frame");
  const label = el("span", "ck-video-label", bar);
  const speed = el("select", "ck-video-speed", bar);
  speed.setAttribute("aria-label", "speed");

  let sprites = [];        // decoded images, one per video
  let canvases = [];
  let frame = 0;           // the frame on screen
  let playing = false;
  let anchorTime = 0;      // performance.now() when `anchorFrame` was shown
  let anchorFrame = 0;
  let rafId = null;
  let loadToken = 0;

  const n = () => Math.max(1, model.get("frame_count"));
  const rate = () => model.get("fps") * model.get("speed");

  function draw(f) {
    frame = f;
    const W = model.get("frame_width"), H = model.get("frame_height");
    const columns = model.get("sprite_columns");
    const sx = (f % columns) * W, sy = Math.floor(f / columns) * H;
    sprites.forEach((image, i) => {
      const ctx = canvases[i] && canvases[i].getContext("2d");
      if (!ctx || !image) return;
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, W, H);
      ctx.drawImage(image, sx, sy, W, H, 0, 0, W, H);
    });
    slider.value = String(f);
    label.textContent = `${f + 1} / ${n()}`;
    root.dataset.frame = String(f);
  }

  function showPlaying(p) {
    playing = p;
    playButton.textContent = p ? "\u275A\u275A" : "\u25B6";
    playButton.title = p ? "pause (space)" : "play (space)";
    playButton.setAttribute("aria-label", p ? "pause" : "play");
    root.dataset.playing = p ? "true" : "false";
  }

  function tick(now) {
    rafId = null;
    if (!playing) return;
    const advanced = Math.floor(((now - anchorTime) / 1000) * rate());
    let f = anchorFrame + advanced;
    if (f >= n()) {
      if (model.get("loop")) {
        f %= n();
      } else {
        draw(n() - 1);
        setPlaying(false, true);
        return;
      }
    }
    if (f !== frame) draw(f);
    rafId = requestAnimationFrame(tick);
  }

  function start() {
    anchorTime = performance.now();
    anchorFrame = frame;
    if (rafId === null) rafId = requestAnimationFrame(tick);
  }

  function syncToKernel() {
    // Only on user actions (pause, seek), never per frame.
    model.set("frame", frame);
    model.set("playing", playing);
    model.save_changes();
  }

  function setPlaying(p, fromUser) {
    showPlaying(p);
    if (p) {
      if (!model.get("loop") && frame >= n() - 1) draw(0);
      start();
    } else if (rafId !== null) {
      cancelAnimationFrame(rafId);
      rafId = null;
    }
    if (fromUser) syncToKernel();
  }

  function seek(f, fromUser) {
    draw(Math.min(Math.max(0, f | 0), n() - 1));
    if (playing) start();
    if (fromUser) syncToKernel();
  }

  function layout() {
    grid.replaceChildren();
    canvases = [];
    const W = model.get("frame_width"), H = model.get("frame_height");
    const scale = model.get("scale");
    const titles = model.get("titles") || [];
    const count = model.get("sprites").length;
    const columns = Math.max(1, Math.min(model.get("columns") || 1, count));
    grid.style.gridTemplateColumns = `repeat(${columns}, max-content)`;
    for (let i = 0; i < count; i++) {
      const cell = el("figure", "ck-video-cell", grid);
      const canvas = el("canvas", "ck-video-canvas", cell);
      canvas.width = W;
      canvas.height = H;
      canvas.style.width = `${W * scale}px`;
      canvas.style.height = `${H * scale}px`;
      canvases.push(canvas);
      if (titles[i]) {
        const caption = el("figcaption", "ck-video-title", cell);
        caption.textContent = titles[i];
        caption.style.maxWidth = `${W * scale}px`;
      }
    }
    slider.max = String(n() - 1);
    speed.replaceChildren();
    for (const s of SPEEDS) {
      const option = el("option", null, speed);
      option.value = String(s);
      const fps = model.get("fps") * s;
      option.textContent = `${s}\u00D7 (${Number.isInteger(fps) ? fps : fps.toFixed(1)} fps)`;
    }
    speed.value = String(model.get("speed"));
  }

  async function load() {
    const token = ++loadToken;
    root.dataset.ready = "false";
    const mime = model.get("mime");
    let decoded;
    try {
      decoded = await Promise.all(model.get("sprites").map((v) => decodeSprite(v, mime)));
    } catch (error) {
      if (token !== loadToken) return;
      root.dataset.ready = "error";
      label.textContent = `cannot decode the video (${mime}): ${error}`;
      return;
    }
    if (token !== loadToken) return;  // a newer video arrived meanwhile
    layout();
    sprites = decoded;
    draw(Math.min(frame, n() - 1));
    root.dataset.ready = "true";
  }

  playButton.addEventListener("click", () => setPlaying(!playing, true));
  slider.addEventListener("input", () => seek(Number(slider.value), false));
  slider.addEventListener("change", () => seek(Number(slider.value), true));
  speed.addEventListener("change", () => {
    if (playing) start();  // re-anchor so the frame does not jump
    model.set("speed", Number(speed.value));
    model.save_changes();
  });
  root.addEventListener("keydown", (event) => {
    if (event.target !== root) return;
    if (event.key === " ") setPlaying(!playing, true);
    else if (event.key === "ArrowRight") seek(frame + 1, true);
    else if (event.key === "ArrowLeft") seek(frame - 1, true);
    else return;
    event.preventDefault();
    event.stopPropagation();  // keep the notebook's own shortcuts out of it
  });

  const onSprites = () => load();
  const onFrame = () => { if (model.get("frame") !== frame) seek(model.get("frame"), false); };
  const onPlaying = () => { if (model.get("playing") !== playing) setPlaying(model.get("playing"), false); };
  const onSpeed = () => { if (playing) start(); speed.value = String(model.get("speed")); };
  const onLayout = () => { layout(); draw(Math.min(frame, n() - 1)); };
  const handlers = [
    ["change:sprites", onSprites], ["change:frame", onFrame], ["change:playing", onPlaying],
    ["change:speed", onSpeed], ["change:fps", onSpeed],
    ["change:scale", onLayout], ["change:columns", onLayout], ["change:titles", onLayout],
  ];
  for (const [event, handler] of handlers) model.on(event, handler);

  frame = model.get("frame");
  showPlaying(model.get("playing"));
  load().then(() => { if (playing) start(); });

  return () => {
    loadToken++;
    if (rafId !== null) cancelAnimationFrame(rafId);
    for (const [event, handler] of handlers) model.off(event, handler);
  };
}

export default { render };
