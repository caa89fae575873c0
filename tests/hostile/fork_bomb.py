# Hostile: fork hundreds of processes. Bounded so that even an unsandboxed run
# is harmless: at most 500 children, each exits by itself after 2 s.
# Expected: the process cap stops it well before 500 (the cell raises).
import os, time
children = []
try:
    for _ in range(500):
        pid = os.fork()
        if pid == 0:
            time.sleep(2)
            os._exit(0)
        children.append(pid)
finally:
    print("forked", len(children))
    for pid in children:
        os.waitpid(pid, 0)
