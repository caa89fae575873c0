"""Hidden tests of the SVG assignment's Gaussian LSTM step and training loss.

Instructor side (it runs the reference loss and its typical mistakes, so it
never ships to students). The source notebook's hidden test cells load this
file afresh and call :func:`check_gaussian_lstm` and :func:`check_training_loss`
on inputs the student has not seen; when an answer is wrong they name the
mistake it matches, else they say which output differs.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import torch


def _fresh(name: str):
    """A private copy of module ``name``, executed again from its file (immune to patching in the notebook)."""
    private = "_svg_hidden_" + name.replace(".", "_")
    spec = importlib.util.spec_from_file_location(private, importlib.util.find_spec(name).origin)
    module = importlib.util.module_from_spec(spec)
    sys.modules[private] = module   # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


_model = _fresh("course_kit.svg.model")
_losses = _fresh("course_kit.svg.losses")
_world = _fresh("course_kit.svg.world")


def _close(a, b, tol=1e-4) -> bool:
    a, b = torch.as_tensor(a).detach().double(), torch.as_tensor(b).detach().double()
    return a.shape == b.shape and bool(torch.allclose(a, b, rtol=tol, atol=tol))


# --- the Gaussian LSTM step -------------------------------------------------------------------------

def check_gaussian_lstm(cls, seed: int = 4711) -> None:
    """``cls`` must be a drop-in GaussianLSTM: same parameter names, same (z, mu, logvar, (h, c)) for the same noise."""
    sizes, batch = (11, 5, 9), 6
    live = importlib.import_module("course_kit.svg.model")
    assert not (isinstance(cls, type) and issubclass(cls, (live.GaussianLSTM, _model.GaussianLSTM))), \
        "hidden test: MyGaussianLSTM must be written in the notebook, not built on the kit's GaussianLSTM"
    assert "_draw_latent" not in getattr(getattr(cls, "forward", None), "__code__", compile("", "", "exec")).co_names, \
        "hidden test: MyGaussianLSTM must sample with your reparameterize, not the kit's _draw_latent"
    torch.manual_seed(seed)
    ref = _model.GaussianLSTM(*sizes)
    try:
        mine = cls(*sizes)
    except Exception as e:
        raise AssertionError(f"hidden test: MyGaussianLSTM(input_size=11, z_dim=5, hidden_size=9) failed: {e!r}")
    want_keys, got_keys = set(ref.state_dict()), set(mine.state_dict())
    assert want_keys == got_keys, (
        f"hidden test: MyGaussianLSTM's parameters must be named as in the kit (embed, cell, mu, logvar) so the "
        f"pretrained weights load; missing {sorted(want_keys - got_keys)}, unexpected {sorted(got_keys - want_keys)}")
    mine.load_state_dict(ref.state_dict())
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(batch, sizes[0], generator=g)
    state = (torch.randn(batch, sizes[2], generator=g), torch.randn(batch, sizes[2], generator=g))
    out = mine(x, state, torch.Generator().manual_seed(seed + 2))
    assert isinstance(out, tuple) and len(out) == 4 and isinstance(out[3], tuple) and len(out[3]) == 2, \
        f"hidden test: forward must return (z, mu, logvar, (h, c)), got {type(out).__name__} of length " \
        f"{len(out) if isinstance(out, tuple) else '-'}"
    z, mu, logvar, (h, c) = out
    z_ref, mu_ref, lv_ref, (h_ref, c_ref) = ref(x, state, torch.Generator().manual_seed(seed + 2))
    if not (_close(h, h_ref) and _close(c, c_ref)):
        if _close(h, c_ref) and _close(c, h_ref):
            raise AssertionError("hidden test: the new state is returned as (c, h); return (h, c) as nn.LSTMCell does")
        h0, c0 = ref.cell(ref.embed(x), None)
        if _close(h, h0) and _close(c, c0):
            raise AssertionError("hidden test: the LSTM step ignores `state`: pass the incoming (h, c) to self.cell")
        raise AssertionError("hidden test: (h, c) differ from one LSTM step self.cell(self.embed(x), state)")
    if not (_close(mu, mu_ref) and _close(logvar, lv_ref)):
        if _close(mu, lv_ref) and _close(logvar, mu_ref):
            raise AssertionError("hidden test: mu and logvar are swapped: mu = self.mu(h), logvar = self.logvar(h)")
        if _close(mu, ref.mu(c_ref)):
            raise AssertionError("hidden test: the heads read the cell state c; mu and logvar come from the output h")
        raise AssertionError("hidden test: mu or logvar differ from self.mu(h) and self.logvar(h)")
    eps = (z_ref - mu_ref) / torch.exp(0.5 * lv_ref)
    named = {"z uses exp(logvar) (the variance) as the scale; the standard deviation is exp(logvar / 2)":
             mu_ref + torch.exp(lv_ref) * eps,
             "z uses logvar itself as the scale; the standard deviation is exp(logvar / 2)": mu_ref + lv_ref * eps,
             "z is mu: no noise was added (z = mu + exp(logvar / 2) * eps)": mu_ref}
    if not _close(z, z_ref):
        for message, wrong in named.items():
            if _close(z, wrong):
                raise AssertionError(f"hidden test: {message}")
        again = mine(x, state, torch.Generator().manual_seed(seed + 2))[0]
        if not _close(z, again):
            raise AssertionError("hidden test: z does not come from `generator` (the same seed gave another z): "
                                 "draw eps with torch.randn(mu.shape, generator=generator, ...) once")
        raise AssertionError("hidden test: z differs from mu + exp(logvar / 2) * eps for the generator's eps")
    assert z.requires_grad, "hidden test: no gradient flows from z to the parameters (no .detach(), no numpy)"
    z.sum().backward()
    assert mine.logvar.weight.grad is not None and mine.embed.weight.grad is not None, \
        "hidden test: z.sum().backward() did not reach self.logvar and self.embed"


# --- the training loss --------------------------------------------------------------------------------

TINY = dict(nf=4, g_dim=8, z_dim=3, rnn_size=8, predictor_layers=1, latent_rnn_size=8, n_past=2, n_future=3)


def _variant(model, video, cond, beta, tf_ratio, generator, mistake=None, kl_fn=None):
    """The reference loss, or it with one typical ``mistake`` (for naming what a wrong answer did)."""
    kl_fn = kl_fn or _losses.gaussian_kl
    n_past, T = model.config.n_past, video.shape[2]
    codes, skips = model.encode_frames(video)
    c = model.standardise(cond)
    pred_state, post_state, prior_state = model.zero_states(video)
    coins = torch.rand(T, generator=generator)
    mse = kl = video.new_zeros(())
    x_hat = None
    for t in range(1, T):
        use_own = t >= n_past and x_hat is not None and bool(coins[t] >= tf_ratio)
        if mistake == "inverted_tf":
            use_own = t >= n_past and x_hat is not None and bool(coins[t] < tf_ratio)
        fed = x_hat if mistake == "no_detach" else (x_hat.detach() if x_hat is not None else None)
        prev = model.encoder(fed)[0] if use_own else codes[t - 1]
        z, mu_q, lv_q, post_state = model.posterior(prev if mistake == "posterior_prev" else codes[t],
                                                    post_state, generator)
        _, mu_p, lv_p, prior_state = model.prior(codes[t] if mistake == "prior_current" else prev,
                                                 prior_state, generator)
        if mistake == "standard_prior":
            mu_p, lv_p = torch.zeros_like(mu_p), torch.zeros_like(lv_p)
        if mistake == "reverse_kl":
            mu_q, lv_q, mu_p, lv_p = mu_p, lv_p, mu_q, lv_q
        inputs = torch.cat([prev, mu_q if mistake == "z_is_mu" else z, c[:, t - 1], c[:, t]], 1)
        g_next, pred_state = model.frame_predictor(inputs, pred_state)
        x_hat = model.decoder(g_next, skips)
        if not (mistake == "context_not_scored" and t < n_past):
            mse = mse + (x_hat - video[:, :, t]).pow(2).mean()
        kl = kl + kl_fn(mu_q, lv_q, mu_p, lv_p).mean()
    if mistake == "mean_frames":
        mse, kl = mse / (T - 1), kl / (T - 1)
    loss = mse + (kl if mistake == "no_beta" else beta * kl)
    return {"loss": loss, "mse": mse, "kl": kl}


MISTAKES = {
    "standard_prior": "the KL is taken against N(0, I); SVG's KL is against the learned prior: "
                      "gaussian_kl(mu_q, logvar_q, mu_p, logvar_p) with model.prior's mu and logvar",
    "reverse_kl": "the KL is KL(p || q): pass the posterior first, gaussian_kl(mu_q, logvar_q, mu_p, logvar_p)",
    "no_beta": "the loss adds the KL without its weight: loss = mse + beta * kl",
    "mean_frames": "mse and kl are averaged over the frames; sum them over the predicted frames",
    "posterior_prev": "the posterior reads the previous frame's code; q(z_t | x_1..t) reads g_t, the frame being "
                      "predicted (the prior reads g_(t-1))",
    "prior_current": "the prior reads g_t, the frame being predicted: p(z_t | x_1..t-1) must read g_(t-1) only",
    "inverted_tf": "teacher forcing is inverted: feed the ground truth when coins[t] < tf_ratio, "
                   "the model's own prediction otherwise",
    "z_is_mu": "the frame predictor gets mu instead of the sampled z from the posterior",
    "context_not_scored": "frames before n_past are left out of the MSE: score every predicted frame t = 1 .. T-1",
}


def _tiny_batch(seed: int):
    batch = _world.simulate(3, n_frames=5, seed=seed, kick_at=1)
    frames = torch.from_numpy(batch.frames).permute(0, 4, 1, 2, 3).float() / 255
    # Half noise: consecutive frames then differ enough that feeding the wrong one shows in the loss.
    video = 0.5 * frames + 0.5 * torch.rand(frames.shape, generator=torch.Generator().manual_seed(seed))
    cond = torch.from_numpy(np.concatenate([batch.actions, batch.positions], -1))
    return video.double(), cond.double()


def _tiny_model(seed: int, sharp_posterior: bool):
    torch.manual_seed(seed)
    model = _model.SVG(_model.SVGConfig(**TINY, cond_mean=[0.0, 0, 0, 1, 0.5, 0.5, 0.2],
                                        cond_std=[0.03, 0.03, 0.1, 0.5, 0.25, 0.25, 0.3]))
    with torch.no_grad():
        if sharp_posterior:   # z = mu to float precision: the order of noise draws cannot matter
            model.posterior.logvar.weight.zero_()
            model.posterior.logvar.bias.fill_(-30.0)
        for head in (model.posterior.mu, model.prior.mu, model.prior.logvar):   # latents that matter
            head.weight.mul_(10)
        model.frame_predictor.embed.weight.mul_(5)
    return model.double()   # float64: a wrong input shows far above rounding noise


def _call(fn, model, video, cond, beta, tf_ratio, seed):
    out = fn(model, video, cond, beta=beta, tf_ratio=tf_ratio, generator=torch.Generator().manual_seed(seed))
    assert isinstance(out, dict) and {"loss", "mse", "kl"} <= set(out), \
        f"hidden test: training_loss must return a dict with 'loss', 'mse' and 'kl', got {type(out).__name__}" \
        + (f" with keys {sorted(out)}" if isinstance(out, dict) else "")
    assert isinstance(out["loss"], torch.Tensor) and out["loss"].dim() == 0 and out["loss"].requires_grad, \
        "hidden test: 'loss' must be a 0-d tensor that backward() works on (keep the graph: no .item(), no .detach())"
    return out


def _same(out, want) -> bool:
    return all(_close(out[k], want[k], 1e-7) for k in ("loss", "mse", "kl"))


def _name_mistake(out, model, video, cond, beta, tf_ratio, seed, student_kl) -> str:
    gen = lambda: torch.Generator().manual_seed(seed)  # noqa: E731
    for mistake, message in MISTAKES.items():
        if _same(out, _variant(model, video, cond, beta, tf_ratio, gen(), mistake)):
            return message
    if student_kl is not None:
        try:
            with_yours = _variant(model, video, cond, beta, tf_ratio, gen(), kl_fn=student_kl)
        except Exception:
            with_yours = None
        if with_yours is not None and _same(out, with_yours):
            return "training_loss is right, but the gaussian_kl it calls is wrong: fix part 2 first"
    want = _variant(model, video, cond, beta, tf_ratio, gen())
    wrong = [k for k in ("mse", "kl", "loss") if not _close(out[k], want[k], 1e-7)]
    return (f"with beta={beta}, tf_ratio={tf_ratio} on unseen videos, {', '.join(wrong)} differ: got "
            + ", ".join(f"{k}={_number(out[k]):.6f}" for k in wrong) + " expected "
            + ", ".join(f"{k}={_number(want[k]):.6f}" for k in wrong))


def _number(value) -> float:
    return float(value.detach()) if isinstance(value, torch.Tensor) else float(value)


def check_training_loss(fn, student_kl=None, seed: int = 2029) -> None:
    """``fn(model, video, cond, beta, tf_ratio, generator)`` must equal the reference loss, values and gradients."""
    video, cond = _tiny_batch(seed)
    for beta, tf_ratio in ((0.5, 1.0), (0.25, 0.0)):
        model = _tiny_model(seed, sharp_posterior=True)
        out = _call(fn, model, video, cond, beta, tf_ratio, seed)
        want = _variant(model, video, cond, beta, tf_ratio, torch.Generator().manual_seed(seed))
        if not _same(out, want):
            raise AssertionError("hidden test: " + _name_mistake(out, model, video, cond, beta, tf_ratio, seed,
                                                                 student_kl))
    # Gradients: the fed-back prediction is detached (tf_ratio = 0 feeds it at every step after the context).
    model = _tiny_model(seed, sharp_posterior=True)
    _call(fn, model, video, cond, 0.25, 0.0, seed)["loss"].backward()
    mine = [p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in model.encoder.parameters()]
    for mistake in (None, "no_detach"):
        model.zero_grad(set_to_none=True)
        _variant(model, video, cond, 0.25, 0.0, torch.Generator().manual_seed(seed), mistake)["loss"].backward()
        grads = [p.grad for p in model.encoder.parameters()]
        if all(_close(a, b, 1e-6) for a, b in zip(mine, grads)):
            if mistake is None:
                break
            raise AssertionError("hidden test: gradients flow through the fed-back prediction into the encoder: "
                                 "detach it (x_hat.detach()) before encoding it again")
    else:
        raise AssertionError("hidden test: the loss's gradients with respect to the encoder differ from the reference")
    # Scheduled sampling with real coins, and a real posterior: the order of draws is part of the spec.
    for sharp, what in ((True, "the coins: draw coins = torch.rand(T, generator=generator) first, before any latent"),
                        (False, "the latent noise: call model.posterior, then model.prior, each with `generator`, "
                                "once per step t = 1 .. T-1")):
        model = _tiny_model(seed + 1, sharp_posterior=sharp)
        out = _call(fn, model, video, cond, 1e-2, 0.5, seed + 3)
        want = _variant(model, video, cond, 1e-2, 0.5, torch.Generator().manual_seed(seed + 3))
        assert _same(out, want), f"hidden test: with tf_ratio=0.5 the loss differs from the reference on the same " \
                                 f"generator; check {what}"
