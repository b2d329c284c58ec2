import type { RedisClient } from '#service/state/redisClient';

export interface RoundTripCounts {
  commands: number;
  /** Times a command went out while none was in flight: commands sent together count once. */
  roundTrips: number;
}

/** Counts what goes out on `client` from now on (measure:state, and tests that pin a turn's round trips). */
export function countRoundTrips(client: RedisClient): RoundTripCounts {
  const counts = { commands: 0, roundTrips: 0 };
  let inFlight = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Parameters<typeof send>[0], ...rest: unknown[]) => {
    counts.commands++;
    if (inFlight++ === 0) counts.roundTrips++;
    command.promise.finally(() => inFlight--).catch(() => {});
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.sendCommand;
  return counts;
}
