"""The instructor's side of the kit: what students must never receive.

Reference solutions of the graded functions (``layers``), the hidden checks
that compare a submission with plain-Python references (``hidden_checks``),
and the test vectors made with them (``vectors``). ``course-kit publish``
leaves this package out of the student repository, and the student side never
imports it (tests/test_student_side.py checks both).
"""
