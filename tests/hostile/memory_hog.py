# Hostile: `mul` keeps allocating memory (touched pages), up to 6 GB at most.
# Expected: MemoryError at the sandbox's memory cap inside test_mul, or the kernel dying there (0 points
# for it); `add` is correct and keeps its points.
def mul(a, b):
    hog = []
    try:
        for _ in range(60):
            hog.append(b"\x01" * (100 * 1024 * 1024))
    finally:
        print("allocated MB", 100 * len(hog))
        hog.clear()
    return a * b
