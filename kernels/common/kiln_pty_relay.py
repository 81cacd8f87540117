"""Runs argv on a pseudo-terminal and relays what it writes to stdout: a local pipeline step
then sees a terminal (colours, progress bars), as a container step does.

Unlike pty.spawn, the child stays in this process's group (no new session), so stopping the
group stops the step, whatever signals it ignores. Exits with the child's status (128 + n
for a signal n).
"""

import os
import pty
import subprocess
import sys


def main(argv):
    master, slave = pty.openpty()
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal has gone
            break
        if not data:
            break
        os.write(1, data)
    code = child.wait()
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main(sys.argv[1:])
