// Small helpers every handler file shares.

/** A row id for one log: `${txHash}-${logIndex}`. */
export const eventId = (event: {
  transaction: { hash: string };
  log: { logIndex: number };
}) => `${event.transaction.hash}-${event.log.logIndex}`;

/** Two addresses equal whatever their case. */
export const sameAddress = (a: string, b: string) =>
  a.toLowerCase() === b.toLowerCase();
