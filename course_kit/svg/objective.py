"""SVG's training objective: one batch's loss with teacher forcing and a weighted KL.

Instructor side: this is the reference solution of the assignment's graded
``training_loss`` (students write it in the notebook), so it never ships in
the student package. ``course_kit.svg.train`` trains with it.
"""

from __future__ import annotations

import torch

from .losses import gaussian_kl

__all__ = ["training_loss"]


def training_loss(model, video: torch.Tensor, cond: torch.Tensor, beta: float = 1e-4, tf_ratio: float = 1.0,
                  generator: torch.Generator | None = None, kl_fn=gaussian_kl) -> dict:
    """Loss of one batch: sum over predicted frames of the per-pixel MSE + beta * sum of KL(q || p).

    video (B, 3, T, 64, 64) in [0, 1], cond (B, T, 7) raw. Frame t (1 <= t < T)
    is predicted from frame t-1's code; from t = n_past on, where the coin
    ``coins[t]`` (``torch.rand(T, generator=generator)``, drawn first) is not
    below ``tf_ratio``, frame t-1 is the model's own prediction, detached and
    re-encoded (scheduled sampling). Per step the posterior reads g_t, the
    prior g_(t-1), in that order, each drawing on ``generator``. Returns
    tensors ``loss``, ``mse`` (summed over frames, mean over batch and
    pixels) and ``kl`` (summed over frames and latent, mean over batch).
    """
    model._check_inputs("training_loss", video, cond, model.config.n_past + 1)
    n_past, T = model.config.n_past, video.shape[2]
    codes, skips = model.encode_frames(video)
    condition = model.standardise(cond)
    predictor_state, posterior_state, prior_state = model.zero_states(video)
    coins = torch.rand(T, generator=generator)
    mse_sum = kl_sum = video.new_zeros(())
    last_prediction = None
    for t in range(1, T):
        own = t >= n_past and last_prediction is not None and bool(coins[t] >= tf_ratio)
        previous = model.encoder(last_prediction.detach())[0] if own else codes[t - 1]
        step_inputs = [previous]
        if model.stochastic:
            latent, mu_q, logvar_q, posterior_state = model.posterior(codes[t], posterior_state, generator)
            _, mu_p, logvar_p, prior_state = model.prior(previous, prior_state, generator)
            step_inputs.append(latent)
            kl_sum = kl_sum + kl_fn(mu_q, logvar_q, mu_p, logvar_p).mean()
        step_inputs += [condition[:, t - 1], condition[:, t]]
        g_next, predictor_state = model.frame_predictor(torch.cat(step_inputs, 1), predictor_state)
        last_prediction = model.decoder(g_next, skips)
        mse_sum = mse_sum + (last_prediction - video[:, :, t]).pow(2).mean()
    return {"loss": mse_sum + beta * kl_sum, "mse": mse_sum, "kl": kl_sum}
