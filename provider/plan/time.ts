/** Instants as the key records keep them: whole seconds (a kid carries its creation second). Pure. */

/** `ms` truncated to the whole second (towards the past). */
export function wholeSecondMs(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `now` truncated to the whole second, as a new Date. */
export function wholeSecond(now: Date): Date {
  return new Date(wholeSecondMs(now.getTime()));
}
