/** What the benchmark and a target's process (`targetProcess.ts`) say to each other over IPC. */
export const targetNames = ['baseline echo bot', 'service, memory', 'service, Redis'] as const;
export type TargetName = (typeof targetNames)[number];

/** From the benchmark: report resident memory, or stop and exit. */
export type TargetRequest = 'rss' | 'stop';
/** From the target: the port it listens on, once; resident memory, when asked. */
export type TargetReport = { port: number } | { rssMb: number };
