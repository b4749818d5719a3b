"""Interleaving exploration of the reader/consumer protocol on a controlled asyncio loop.

- `loop`: the controlled event loop; `world`: scenarios and the real tasks on that loop;
- `run`: one schedule, step by step, the protocol model in lockstep;
- `properties`: what every schedule must keep, and the findings it may show;
- `explore`: the engine (every schedule, or random PCT ones), `schedule`: schedules as text;
- `bounds`: the default scenarios and what each variant claims to remove;
- `verdict`: explorations turned into a verdict and lines;
- `check`: `tidegate verify`'s interleaving check;
- `cli`: `tidegate interleave`.
"""
