"""The SVG assignment's example submissions: the mistakes its tests name in their messages.

Each builds on ``release/svg/svg.ipynb`` with the shared
:class:`course_kit.course.examples.Builder` (each takes the course directory,
default as Builder's). :data:`TYPICAL` says which tests each must pass.
"""

from __future__ import annotations

from ...course.examples import Builder

NAME = "svg"
TESTS = ("test_reparameterize", "test_gaussian_lstm", "test_gaussian_kl", "test_kl_beta",
         "test_teacher_forcing_ratio", "test_training_loss", "test_psnr")
ALL = frozenset(TESTS)


def reference(course=None):
    return Builder(NAME, course).solve()


def blank(course=None):
    return Builder(NAME, course)


def std_as_exp_logvar(course=None):
    """exp(logvar) as the standard deviation instead of exp(logvar / 2)."""
    return Builder(NAME, course).solve().edit(
        "reparameterize", "torch.exp(0.5 * logvar) * eps", "torch.exp(logvar) * eps")


def averaged_kl(course=None):
    """The KL averaged over the latent dimension instead of summed."""
    return Builder(NAME, course).solve().edit("gaussian_kl", "per_dim.sum(dim=-1)", "per_dim.mean(dim=-1)")


def state_swapped(course=None):
    """The Gaussian LSTM returns its new state as (c, h)."""
    return Builder(NAME, course).solve().edit("MyGaussianLSTM", "return z, mu, logvar, (h, c)",
                                              "return z, mu, logvar, (c, h)")


def standard_normal_prior(course=None):
    """The loss's KL is taken against N(0, I) instead of the learned prior."""
    return Builder(NAME, course).solve().edit(
        "training_loss", "gaussian_kl(mu_q, logvar_q, mu_p, logvar_p)",
        "gaussian_kl(mu_q, logvar_q, torch.zeros_like(mu_q), torch.zeros_like(logvar_q))")


def feedback_not_detached(course=None):
    """Scheduled sampling feeds the model's own frame back without detaching it."""
    return Builder(NAME, course).solve().edit("training_loss", "model.encoder(x_hat.detach())[0]",
                                              "model.encoder(x_hat)[0]")


# A wrong piece also fails the graded pieces built on it: MyGaussianLSTM samples with the student's
# reparameterize, and training_loss sums the student's gaussian_kl.
TYPICAL = {
    "reference": (reference, ALL),
    "blank": (blank, frozenset()),
    "expstd": (std_as_exp_logvar, ALL - {"test_reparameterize", "test_gaussian_lstm"}),
    "meankl": (averaged_kl, ALL - {"test_gaussian_kl", "test_training_loss"}),
    "swappedstate": (state_swapped, ALL - {"test_gaussian_lstm"}),
    "normalprior": (standard_normal_prior, ALL - {"test_training_loss"}),
    "undetached": (feedback_not_detached, ALL - {"test_training_loss"}),
}
