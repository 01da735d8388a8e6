// The Clock of a real process: wall-clock time and Node's timers (the simulator has its own).

import type { Clock, TimerHandle } from "./backbone.js";

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => ({ timer: setTimeout(fn, ms) }),
  clearTimeout: (handle: TimerHandle) => clearTimeout(handle.timer as ReturnType<typeof setTimeout>),
};
