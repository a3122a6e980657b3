/**
 * A read or commit sent without waiting for it. Its failure is handled where it is awaited; if
 * something throws before that, it must not also surface as an unhandled rejection.
 */
export function handledLater<T>(result: Promise<T>): Promise<T> {
  result.catch(() => undefined);
  return result;
}
