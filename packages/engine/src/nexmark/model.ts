/**
 * Constants and id formulas of the Nexmark model (the auction-site stream of persons, auctions
 * and bids used by the Nexmark benchmark suite). Event number i is a person, an auction or a bid
 * by i mod 50 (1 : 3 : 46); ids are derived from the event number so that bids refer to
 * auctions and persons that exist (or are about to), with a fraction of "hot" ones.
 */

export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;

/** Ids start above zero so that queries find matches on small runs. */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;

/** Ids up to this many ahead of the last generated one may be referenced ("leads"). */
export const PERSON_ID_LEAD = 10;
export const AUCTION_ID_LEAD = 10;

/** Hot auctions / sellers / bidders are the first (second for bidders) of each batch of this many. */
export const HOT_AUCTION_RATIO = 100;
export const HOT_SELLER_RATIO = 100;
export const HOT_BIDDER_RATIO = 100;

/** Nexmark's default configuration: 1 in N events pick a random (not hot) id. */
export const HOT_AUCTIONS_CHOICE = 2;
export const HOT_SELLERS_CHOICE = 4;
export const HOT_BIDDERS_CHOICE = 4;
export const NUM_ACTIVE_PEOPLE = 1000;
export const NUM_IN_FLIGHT_AUCTIONS = 100;

/** Average serialised sizes the `extra` padding field fills each event up to. */
export const AVG_PERSON_BYTES = 200;
export const AVG_AUCTION_BYTES = 500;
export const AVG_BID_BYTES = 100;

export const US_STATES = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'] as const;
export const US_CITIES = ['Phoenix', 'Los Angeles', 'San Francisco', 'Boise', 'Portland', 'Bend', 'Redmond', 'Seattle', 'Kent', 'Cheyenne'] as const;
export const FIRST_NAMES = ['Peter', 'Paul', 'Luke', 'John', 'Saul', 'Vicky', 'Kate', 'Julie', 'Sarah', 'Deiter', 'Walter'] as const;
export const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'] as const;

/** Half of the bids come through one of these channels; the rest through `channel-<n>`. */
export const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const;
export const HOT_CHANNELS_CHOICE = 2;
export const CHANNELS_NUMBER = 10_000;

/** Event kinds, as the `event_type` field carries them (Nexmark's numbering). */
export const PERSON = 0;
export const AUCTION = 1;
export const BID = 2;

/** The kind of event number `i`. */
export function eventKind(i: number): number {
  const r = i % TOTAL_PROPORTION;
  return r < PERSON_PROPORTION ? PERSON : r < PERSON_PROPORTION + AUCTION_PROPORTION ? AUCTION : BID;
}

/** The last person id (base 0) generated at or before event `i`. */
export function lastBase0PersonId(i: number): number {
  const epoch = Math.floor(i / TOTAL_PROPORTION);
  const offset = Math.min(i % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
  return epoch * PERSON_PROPORTION + offset;
}

/** The last auction id (base 0) generated at or before event `i` (−1 before the first). */
export function lastBase0AuctionId(i: number): number {
  let epoch = Math.floor(i / TOTAL_PROPORTION);
  let offset = i % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}
