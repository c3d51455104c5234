"""The docket simulator: a farm of jail websites on the loopback interface.

It stands in for the county dockets, which are not reachable from our machines, so the
demo, the soak test and the scale benchmark can run the whole system end to end:

* ``population`` – who is booked, for how long and on what, following each county's
  historical admissions and population (``history``);
* ``sites`` – the eleven dockets' page formats, rendered from that population;
* ``faults`` – latency, 5xx, 429, truncated pages, outages and layout changes on demand;
* ``farm`` – the simulated jails, and the ground truth of who is in custody at any instant;
* ``server`` – the HTTP server (``flask simulate serve``);
* ``clock`` – simulated time, accelerated or set by hand.
"""
from .clock import ManualClock, SimClock
from .farm import Farm, SimJail
from .faults import FaultPlan, Faults, Window
from .server import SimulatorServer

__all__ = ["Farm", "FaultPlan", "Faults", "ManualClock", "SimClock", "SimJail", "SimulatorServer",
           "Window"]
