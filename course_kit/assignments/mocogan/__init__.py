"""The MoCoGAN assignment: students write MyLinear, MyLSTMCell and the LSTM motion network.

Its student side (what the released notebook imports) stays where notebooks
find it: ``course_kit.checks`` (visible checks), ``course_kit.vectors``,
``course_kit.payoff``, ``course_kit.forget_bias``. This folder is its
instructor side, which students never receive: the reference solutions
(``layers``), the hidden checks the source notebook's hidden tests load by
name (``hidden_checks``, with ``mistakes`` naming typical errors), the test
vectors (``vectors``), the gate plots of the lecture notebooks
(``gate_plots``), the example submissions (``examples``) and the registry
record (``record``).
"""
