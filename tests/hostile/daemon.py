# Hostile: leave a process behind (double fork, new session, exec `sleep 299.5`).
# Bounded: it exits by itself after 5 minutes. Expected: gone as soon as this
# student's grading ends, because the sandbox's whole process tree dies with it.
import os
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "299.5"])
    os._exit(0)
os.wait()
print("daemon started")
