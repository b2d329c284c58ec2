/**
 * Whether a person of the support team can join a driver's chat now (a live handoff from Teams).
 * The engine asks this when a ticket is created; how hours are configured is the composition root's.
 */
export interface LiveAgents {
  availableAt(now: Date): boolean;
  /** When people are next on duty, in words for the driver ("Monday at 08:00"). */
  nextAvailable(now: Date): string;
  /** How long the driver is told someone may take to join; after that the ticket stands. */
  waitMinutes: number;
}
