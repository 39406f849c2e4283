"""sheath run as a child process that kills itself (SIGKILL) at a chosen point of an apply,
for the tests of what survives a kill."""

# Runs sheath with Journal.set_object replaced: journaling the object whose filename ends
# with KILL_AT (the provider has created it) kills the process first, with SIGKILL.
KILLING_SHEATH = """
import os, signal, sys
from sheath.states import journal
set_object = journal.Journal.set_object
def killing(self, r, key, obj, deposed=""):
    if str((obj.attributes or {}).get("filename", "")).endswith(os.environ["KILL_AT"]):
        os.kill(os.getpid(), signal.SIGKILL)
    set_object(self, r, key, obj, deposed)
journal.Journal.set_object = killing
from sheath.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
