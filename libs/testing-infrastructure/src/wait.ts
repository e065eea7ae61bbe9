export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Resolves once `condition` holds (polled every 50 ms); fails after `timeoutMs`: `describe()`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${describe()}`);
    await sleep(50);
  }
}
