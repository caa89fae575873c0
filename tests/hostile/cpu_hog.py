# Hostile: burn CPU for up to 20 s of wall time. Expected: the CPU-time cap
# kills the kernel first; tests before it keep their points, and grading goes on.
import time
start = time.time()
while time.time() - start < 20:
    pass
print("CPU hog survived")
