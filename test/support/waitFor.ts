/**
 * Polls `check` until it holds. The bound is generous, not a timing assertion: a test whose condition
 * never comes fails, naming `what`, instead of hanging.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what = 'the condition', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
