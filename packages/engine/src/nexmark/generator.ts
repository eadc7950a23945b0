import {
  AUCTION,
  AUCTION_ID_LEAD,
  AVG_AUCTION_BYTES,
  AVG_BID_BYTES,
  AVG_PERSON_BYTES,
  BID,
  CHANNELS_NUMBER,
  eventKind,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_NAMES,
  FIRST_PERSON_ID,
  HOT_AUCTION_RATIO,
  HOT_AUCTIONS_CHOICE,
  HOT_BIDDER_RATIO,
  HOT_BIDDERS_CHOICE,
  HOT_CHANNELS,
  HOT_CHANNELS_CHOICE,
  HOT_SELLER_RATIO,
  HOT_SELLERS_CHOICE,
  LAST_NAMES,
  lastBase0AuctionId,
  lastBase0PersonId,
  NUM_ACTIVE_PEOPLE,
  NUM_CATEGORIES,
  NUM_IN_FLIGHT_AUCTIONS,
  PERSON,
  PERSON_ID_LEAD,
  AUCTION_PROPORTION,
  TOTAL_PROPORTION,
  US_CITIES,
  US_STATES,
} from './model.js';
import { EventRandom } from './random.js';

/** A Nexmark person (`event_type` 0). `dateTime` is the event time in epoch milliseconds. */
export interface NexmarkPerson {
  event_type: 0;
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
  extra: string;
}

/** A Nexmark auction (`event_type` 1). */
export interface NexmarkAuction {
  event_type: 1;
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  expires: number;
  seller: number;
  category: number;
  extra: string;
}

/** A Nexmark bid (`event_type` 2). */
export interface NexmarkBid {
  event_type: 2;
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  dateTime: number;
  extra: string;
}

export type NexmarkEvent = NexmarkPerson | NexmarkAuction | NexmarkBid;

/** What the stream depends on besides the event number. */
export interface NexmarkConfig {
  seed: number;
  /** Events per second of event time: event i is stamped `baseTime + i · 1e6 / eventsPerSec` µs. */
  eventsPerSec: number;
  /** Event time of event 0, epoch milliseconds. */
  baseTime: number;
}

/** How many events pass until `NUM_IN_FLIGHT_AUCTIONS` more auctions exist (sets auction lengths). */
const EVENTS_FOR_IN_FLIGHT_AUCTIONS = Math.floor((NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION) / AUCTION_PROPORTION);

/**
 * Generates Nexmark events by number. Event i is a pure function of (config, i): the generator
 * keeps only caches (channel URLs) and a reusable random stream.
 * @example new NexmarkGenerator({ seed: 0, eventsPerSec: 1e6, baseTime: 0 }).event(3).event_type // 1
 */
export class NexmarkGenerator {
  private readonly r = new EventRandom();
  private readonly delayUs: number;
  private readonly chars: number[] = [];
  private readonly urls: string[] = [];

  constructor(private readonly config: NexmarkConfig) {
    this.delayUs = 1e6 / config.eventsPerSec;
  }

  /** Event time of event number `i` in epoch milliseconds (integer microseconds, truncated). */
  timestamp(i: number): number {
    return this.config.baseTime + Math.floor(Math.floor(i * this.delayUs) / 1000);
  }

  /** Event number `i`. */
  event(i: number): NexmarkEvent {
    const r = this.r.reset(this.config.seed, i);
    const ts = this.timestamp(i);
    const kind = eventKind(i);
    if (kind === PERSON) return this.person(r, i, ts);
    if (kind === AUCTION) return this.auction(r, i, ts);
    return this.bid(r, i, ts);
  }

  private person(r: EventRandom, i: number, ts: number): NexmarkPerson {
    const name = `${FIRST_NAMES[r.below(FIRST_NAMES.length)]} ${LAST_NAMES[r.below(LAST_NAMES.length)]}`;
    const emailAddress = `${this.nextString(r, 7)}@${this.nextString(r, 5)}.com`;
    const creditCard = [0, 1, 2, 3].map(() => String(r.below(10000)).padStart(4, '0')).join(' ');
    const city = US_CITIES[r.below(US_CITIES.length)]!;
    const state = US_STATES[r.below(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = this.nextExtra(r, size, AVG_PERSON_BYTES);
    return { event_type: PERSON, id: lastBase0PersonId(i) + FIRST_PERSON_ID, name, emailAddress, creditCard, city, state, dateTime: ts, extra };
  }

  private auction(r: EventRandom, i: number, ts: number): NexmarkAuction {
    const seller =
      (r.below(HOT_SELLERS_CHOICE) > 0
        ? Math.floor(lastBase0PersonId(i) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO
        : nextBase0PersonId(r, i)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + r.below(NUM_CATEGORIES);
    const initialBid = nextPrice(r);
    // Auctions last on average as long as it takes to open NUM_IN_FLIGHT_AUCTIONS more.
    const horizon = this.timestamp(i + EVENTS_FOR_IN_FLIGHT_AUCTIONS) - ts;
    const expires = ts + 1 + r.below(Math.max(horizon * 2, 1));
    const itemName = this.nextString(r, 20);
    const description = this.nextString(r, 100);
    const reserve = initialBid + nextPrice(r);
    const extra = this.nextExtra(r, 48 + itemName.length + description.length, AVG_AUCTION_BYTES);
    return {
      event_type: AUCTION,
      id: lastBase0AuctionId(i) + FIRST_AUCTION_ID,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime: ts,
      expires,
      seller,
      category,
      extra,
    };
  }

  private bid(r: EventRandom, i: number, ts: number): NexmarkBid {
    const auction =
      (r.below(HOT_AUCTIONS_CHOICE) > 0
        ? Math.floor(lastBase0AuctionId(i) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO
        : nextBase0AuctionId(r, i)) + FIRST_AUCTION_ID;
    // Hot bidders are the second person of a batch so that they differ from hot sellers.
    const bidder =
      (r.below(HOT_BIDDERS_CHOICE) > 0
        ? Math.floor(lastBase0PersonId(i) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1
        : nextBase0PersonId(r, i)) + FIRST_PERSON_ID;
    const price = nextPrice(r);
    let channel: string;
    let url: string;
    if (r.below(HOT_CHANNELS_CHOICE) > 0) {
      const k = r.below(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[k]!;
      url = this.url(CHANNELS_NUMBER + k);
    } else {
      const n = r.below(CHANNELS_NUMBER);
      channel = `channel-${n}`;
      url = this.url(n);
    }
    const extra = this.nextExtra(r, 32, AVG_BID_BYTES);
    return { event_type: BID, auction, bidder, price, channel, url, dateTime: ts, extra };
  }

  /**
   * The URL of channel `n` (hot channels are numbered from CHANNELS_NUMBER): drawn once from a
   * stream of its own, so it does not depend on which event first used it.
   */
  private url(n: number): string {
    let url = this.urls[n];
    if (url === undefined) {
      const r = new EventRandom().reset(this.config.seed ^ 0x5bd1e995, n);
      url = `https://www.nexmark.com/${this.randomString(r, 5)}/${this.randomString(r, 5)}/${this.randomString(r, 5)}/item.htm?query=1`;
      if (n < CHANNELS_NUMBER) url += `&channel_id=${n}`;
      this.urls[n] = url;
    }
    return url;
  }

  /** A string of 3 to maxLength − 1 characters. */
  private nextString(r: EventRandom, maxLength: number): string {
    return this.randomString(r, 3 + r.below(maxLength - 3));
  }

  /** Padding that brings an event of `size` bytes to about `avg` bytes (±20 %). */
  private nextExtra(r: EventRandom, size: number, avg: number): string {
    if (size > avg) return '';
    const want = avg - size;
    const delta = Math.round(want * 0.2);
    return this.randomString(r, want - delta + r.below(2 * delta + 1));
  }

  /**
   * `length` lowercase letters and spaces (about 1 in 13), four characters per 32-bit draw: one
   * draw per character made strings the generator's largest cost.
   */
  private randomString(r: EventRandom, length: number): string {
    const chars = this.chars;
    chars.length = length;
    for (let k = 0; k < length; k += 4) {
      const bits = r.next();
      for (let b = 0; b < 4 && k + b < length; b++) {
        const byte = (bits >>> (8 * b)) & 0xff;
        chars[k + b] = byte < 20 ? 32 : 97 + (byte % 26);
      }
    }
    return String.fromCharCode.apply(null, chars);
  }
}

/** A random person among the active ones, or slightly ahead of the last generated one. */
function nextBase0PersonId(r: EventRandom, i: number): number {
  const numPeople = lastBase0PersonId(i) + 1;
  const active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - active + r.below(active + PERSON_ID_LEAD);
}

/** A random auction among those likely still open, or slightly ahead of the last one. */
function nextBase0AuctionId(r: EventRandom, i: number): number {
  const max = lastBase0AuctionId(i);
  const min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
  return min + r.below(max - min + 1 + AUCTION_ID_LEAD);
}

/** Prices are log-uniform between 1.00 and 1 000 000.00 (in cents). */
function nextPrice(r: EventRandom): number {
  return Math.round(Math.pow(10, r.nextDouble() * 6) * 100);
}

/**
 * One line per event with its fields in declaration order, `|`-separated: what the generator
 * golden hash and the Java twin's hash are computed over.
 */
export function eventLine(e: NexmarkEvent): string {
  return Object.values(e).join('|');
}
