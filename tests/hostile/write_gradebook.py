# Hostile: give everyone full marks in the gradebook, plant files beside the
# course, by absolute and relative paths. Expected: every write fails.
import sqlite3
for path in ["@COURSE@/gradebook.db", "../../../gradebook.db"]:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET manual_score = 999")
        db.commit()
        print("WROTE gradebook", path)
    except Exception as err:
        print("blocked", path, type(err).__name__, err)
    try:
        with open(path, "ab") as f:
            f.write(b"corrupted")
        print("APPENDED", path)
    except OSError as err:
        print("blocked append", path, type(err).__name__)
for path in ["@COURSE@/source/ps1/pwned.txt", "../../../pwned.txt", "@COURSE@/autograded/good/ps1/pwned.txt"]:
    try:
        with open(path, "w") as f:
            f.write("pwned")
        print("PLANTED", path)
    except OSError as err:
        print("blocked plant", path, type(err).__name__)
