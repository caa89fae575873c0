# Hostile: hunt for the instructor's secrets and print whatever is found.
# Source notebook and gradebook by absolute and relative paths, the grader's
# environment, the instructor's home, the host's /tmp. Expected: nothing found.
import glob, os
targets = ["@COURSE@/source/ps1/ps1.ipynb", "../../../source/ps1/ps1.ipynb",
           "@COURSE@/gradebook.db", "../../../gradebook.db", "@COURSE@/nbgrader_config.py",
           "@HOME@/secret.txt", "/proc/1/environ"] + glob.glob("@COURSE@/source/*/*")
for path in targets:
    try:
        with open(path, "rb") as f:
            print("READ", path, f.read().decode("latin-1")[:100000])
    except OSError as err:
        print("blocked", path, type(err).__name__)
print("ENV", dict(os.environ))
print("LS", os.listdir("/"), glob.glob("@COURSE@/*"), glob.glob("/tmp/*"))
