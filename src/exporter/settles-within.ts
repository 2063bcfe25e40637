/**
 * Waits for `promise` at most `ms`: true if it settled in time.
 *
 * The timer is deliberately not unref()ed: whoever awaits a shutdown expects
 * it to finish, and this timer is what keeps retry timers (which are
 * unref()ed) running until the deadline. It is cleared as soon as the
 * promise settles, so it never holds the process longer than needed.
 */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
