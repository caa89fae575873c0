"""The MoCoGAN assignment's example submissions: the reference, the blank release and the MP's typical mistakes.

Each builds on ``release/mocogan/mocogan.ipynb`` with the shared
:class:`course_kit.course.examples.Builder` (each takes the course directory,
default as Builder's). :data:`TYPICAL` says which tests each must pass.
"""

from __future__ import annotations

from ...checks import CHECKS
from ...course.examples import Builder

NAME = "mocogan"
# One autograded test per visible check, in the same order (grade id test_<check name>).
TESTS = tuple(f"test_{name}" for name in CHECKS)
ALL = frozenset(TESTS)


def reference(course=None):
    return Builder(NAME, course).solve()


def blank(course=None):
    return Builder(NAME, course)


def transposed_weight(course=None):
    return (Builder(NAME, course).solve()
            .edit("MyLinear", "torch.empty(output_size, input_size)", "torch.empty(input_size, output_size)")
            .edit("MyLinear", "return inputs @ self.weight.T + self.bias", "return inputs @ self.weight + self.bias"))


def wrong_gate_order(course=None):
    return Builder(NAME, course).solve().edit("MyLSTMCell", "i, f, g, o = gates.chunk(4, dim=1)",
                                              "i, f, o, g = gates.chunk(4, dim=1)")


def forget_bias_one_vector(course=None):
    return Builder(NAME, course).solve().edit(
        "LSTM", "for bias in (self.lstm.bias_ih, self.lstm.bias_hh):",
        "self.lstm.bias_hh.zero_()\n            for bias in (self.lstm.bias_ih,):")


def separate_h_c(course=None):
    return (Builder(NAME, course).solve()
            .edit("MyLSTMCell", "def forward(self, x, hx):", "def forward(self, x, h, c):")
            .edit("MyLSTMCell", "        h, c = hx\n", "")
            .edit("LSTM", "self.lstm(inputs, (self.h, self.c))", "self.lstm(inputs, self.h, self.c)"))


def hidden_not_reset(course=None):
    return Builder(NAME, course).solve().edit(
        "LSTM", "        weight = self.lstm.weight_hh\n",
        "        if self.h is not None:\n            return\n        weight = self.lstm.weight_hh\n")


def sigmoid_on_g(course=None):
    """The candidate g squashed by sigmoid instead of tanh."""
    return Builder(NAME, course).solve().edit("MyLSTMCell", "torch.sigmoid(i) * torch.tanh(g)",
                                              "torch.sigmoid(i) * torch.sigmoid(g)")


def missing_bias_hh(course=None):
    return Builder(NAME, course).solve().edit(
        "MyLSTMCell", "h @ self.weight_hh.T + self.bias_hh", "h @ self.weight_hh.T")


def no_tanh_on_c(course=None):
    return Builder(NAME, course).solve().edit(
        "MyLSTMCell", "h_out = torch.sigmoid(o) * torch.tanh(c_out)", "h_out = torch.sigmoid(o) * c_out")


def forward_resets_state(course=None):
    return Builder(NAME, course).solve().edit(
        "LSTM", "        outputs = []\n        for _ in range(n_frames):",
        "        self.initHidden(inputs.shape[0])\n        outputs = []\n        for _ in range(n_frames):")


def batchnorm_all_frames(course=None):
    return Builder(NAME, course).solve().edit(
        "LSTM", "            outputs.append(self.bn(self.linear(self.h)))\n        return torch.stack(outputs)",
        "            outputs.append(self.linear(self.h))\n"
        "        codes = torch.cat(outputs)\n"
        "        return self.bn(codes).reshape(n_frames, inputs.shape[0], -1)")


def no_xavier_no_writeback(course=None):
    """The issue's hole: no Xavier initialisation, and the state never written back."""
    return (Builder(NAME, course).solve()
            .edit("LSTM", "                nn.init.xavier_uniform_(weight)", "                pass")
            .edit("LSTM", "        outputs = []\n        for _ in range(n_frames):\n"
                          "            self.h, self.c = self.lstm(inputs, (self.h, self.c))\n"
                          "            outputs.append(self.bn(self.linear(self.h)))",
                  "        outputs, h, c = [], self.h, self.c\n        for _ in range(n_frames):\n"
                  "            h, c = self.lstm(inputs, (h, c))\n"
                  "            outputs.append(self.bn(self.linear(h)))"))


# name -> (builder, tests that must pass); every other test must score 0.
TYPICAL = {
    "reference": (reference, ALL),
    "blank": (blank, frozenset()),
    "transposed": (transposed_weight, ALL - {"test_linear_init", "test_linear_forward",
                                             "test_lstm_init", "test_lstm_forward"}),
    "gateorder": (wrong_gate_order, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "forgetbias": (forget_bias_one_vector, ALL - {"test_lstm_initweight"}),
    "separatehc": (separate_h_c, ALL - {"test_lstmcell_forward"}),
    "notreset": (hidden_not_reset, ALL - {"test_lstm_inithidden"}),
    "sigmoidg": (sigmoid_on_g, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "nobhh": (missing_bias_hh, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "notanhc": (no_tanh_on_c, ALL - {"test_lstmcell_forward", "test_lstm_forward"}),
    "resetsstate": (forward_resets_state, ALL - {"test_lstm_forward"}),
    "bnallframes": (batchnorm_all_frames, ALL - {"test_lstm_forward"}),
    "noxavier": (no_xavier_no_writeback, ALL - {"test_lstm_initweight", "test_lstm_forward"}),
}

