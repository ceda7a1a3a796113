// One bond series' state as its events move it. Pure: no Ponder imports, so
// the unit tests run it directly. Amounts are quote token units; face is in
// quote units of future revenue.

export type SeriesState = {
  deficit: bigint; // what the sale must raise
  raised: bigint; // proceeds, paid straight to the vault
  faceSold: bigint; // bonds minted to buyers
  repaid: bigint; // revenue routed to the series
  redeemed: bigint; // paid out to holders
  unsold: bigint; // deficit socialized when the series closed short
  closed: boolean;
};

export type SeriesChange =
  | { kind: "bought"; cost: bigint; face: bigint }
  | { kind: "closed"; raised: bigint; faceSold: bigint; unsold: bigint }
  | { kind: "repaid"; repaidTotal: bigint }
  | { kind: "redeemed"; amount: bigint };

export const issuedSeries = (deficit: bigint): SeriesState => ({
  deficit,
  raised: 0n,
  faceSold: 0n,
  repaid: 0n,
  redeemed: 0n,
  unsold: 0n,
  closed: false,
});

// Where an event carries a total (SeriesClosed, SeriesRepaid) the total is
// taken as it is.
export function seriesAfter(s: SeriesState, c: SeriesChange): SeriesState {
  switch (c.kind) {
    case "bought":
      return { ...s, raised: s.raised + c.cost, faceSold: s.faceSold + c.face };
    case "closed":
      return {
        ...s,
        raised: c.raised,
        faceSold: c.faceSold,
        unsold: c.unsold,
        closed: true,
      };
    case "repaid":
      return { ...s, repaid: c.repaidTotal };
    case "redeemed":
      return { ...s, redeemed: s.redeemed + c.amount };
  }
}

// SocializationCause, by its enum index.
const CAUSES = ["below-minimum-series", "bonds-unsold"] as const;

export function socializationCauseName(index: number): string {
  const name = CAUSES[index];
  if (name === undefined)
    throw new Error(`unknown SocializationCause ${index}`);
  return name;
}

// Socialized's seriesId for a loss no series was issued for (type(uint256).max).
export const NO_SERIES = 2n ** 256n - 1n;
