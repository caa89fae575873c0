# Hostile: `mul` prints several MB, then returns a wrong answer. Expected: the
# output is capped, and test_mul still fails (a dropped error must never turn a
# failing test into points).
def mul(a, b):
    for _ in range(400):
        print("x" * 10000)
    return a + b
