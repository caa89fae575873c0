# Hostile: copy another student's work (submitted and autograded, absolute and
# relative paths) and print it. Expected: nothing to read.
import glob
paths = ["@COURSE@/submitted/good/ps1/ps1.ipynb", "../../good/ps1/ps1.ipynb",
         "@COURSE@/autograded/good/ps1/ps1.ipynb", "../../../submitted/good/ps1/ps1.ipynb"]
for path in paths + glob.glob("@COURSE@/*/*/ps1/*.ipynb"):
    try:
        print("READ", path, open(path).read())
    except OSError as err:
        print("blocked", path, type(err).__name__)
