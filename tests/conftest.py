"""Shared test configuration: the hypothesis profiles.

``ci`` is derandomized so a landing never fails on a lucky draw and a failure
replays identically; ``dev`` stays random so local runs keep exploring.  Both
drop the deadline: a numerical gradient evaluates the function twice per
element, and timing on a shared machine is noise.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
