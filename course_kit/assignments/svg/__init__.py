"""The SVG assignment: stochastic video prediction with a learned prior, conditioned on actions.

Its student side stays where the released notebook finds it
(``course_kit.svg.lab``, ``course_kit.svg.model``, ``course_kit.svg.world``).
The reference answers stay in ``course_kit.svg`` (``losses``, ``schedules``,
``metrics``, ``objective``: the trainer uses them too); this folder holds what
only the assignment needs: the hidden checks its hidden tests load by name
(``hidden_checks``), the example submissions (``examples``) and the registry
record (``record``).
"""
