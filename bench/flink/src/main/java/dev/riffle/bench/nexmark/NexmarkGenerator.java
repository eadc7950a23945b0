package dev.riffle.bench.nexmark;

import java.io.Serializable;

/**
 * The Nexmark model (1 : 3 : 46 persons, auctions and bids by event number; hot auctions,
 * sellers and bidders; event time from the event number), written to produce exactly the events
 * of Riffle's packages/engine/src/nexmark/generator.ts. Keep the two in step: the order of the
 * random draws is part of the contract.
 */
public final class NexmarkGenerator implements Serializable {
  static final int PERSON_PROPORTION = 1;
  static final int AUCTION_PROPORTION = 3;
  static final int TOTAL_PROPORTION = 50;
  static final long FIRST_PERSON_ID = 1000;
  static final long FIRST_AUCTION_ID = 1000;
  static final long FIRST_CATEGORY_ID = 10;
  static final int NUM_CATEGORIES = 5;
  static final int PERSON_ID_LEAD = 10;
  static final int AUCTION_ID_LEAD = 10;
  static final long HOT_RATIO = 100;
  static final int HOT_AUCTIONS_CHOICE = 2;
  static final int HOT_SELLERS_CHOICE = 4;
  static final int HOT_BIDDERS_CHOICE = 4;
  static final long NUM_ACTIVE_PEOPLE = 1000;
  static final long NUM_IN_FLIGHT_AUCTIONS = 100;
  static final int AVG_PERSON_BYTES = 200;
  static final int AVG_AUCTION_BYTES = 500;
  static final int AVG_BID_BYTES = 100;
  static final String[] US_STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  static final String[] US_CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"};
  static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
  static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
  static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
  static final int HOT_CHANNELS_CHOICE = 2;
  static final int CHANNELS_NUMBER = 10_000;
  static final long EVENTS_FOR_IN_FLIGHT_AUCTIONS = NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION / AUCTION_PROPORTION;

  private final int seed;
  private final double delayUs;
  private final long baseTime;
  private transient EventRandom r;
  private transient String[] urls;

  public NexmarkGenerator(int seed, double eventsPerSec, long baseTime) {
    this.seed = seed;
    this.delayUs = 1e6 / eventsPerSec;
    this.baseTime = baseTime;
  }

  /** Event time of event i, epoch ms. */
  public long timestamp(long i) {
    return baseTime + (long) Math.floor(Math.floor((double) i * delayUs) / 1000.0);
  }

  public Event event(long i) {
    if (r == null) {
      r = new EventRandom();
      urls = new String[CHANNELS_NUMBER + HOT_CHANNELS.length];
    }
    r.reset(seed, i);
    long ts = timestamp(i);
    long rem = i % TOTAL_PROPORTION;
    Event e = new Event();
    e.dateTimeMs = ts;
    if (rem < PERSON_PROPORTION) person(e, i);
    else if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) auction(e, i, ts);
    else bid(e, i);
    return e;
  }

  private void person(Event e, long i) {
    e.event_type = 0;
    e.id = lastBase0PersonId(i) + FIRST_PERSON_ID;
    e.name = FIRST_NAMES[(int) r.below(FIRST_NAMES.length)] + " " + LAST_NAMES[(int) r.below(LAST_NAMES.length)];
    e.emailAddress = nextString(7) + "@" + nextString(5) + ".com";
    StringBuilder cc = new StringBuilder();
    for (int k = 0; k < 4; k++) {
      if (k > 0) cc.append(' ');
      cc.append(String.format("%04d", r.below(10000)));
    }
    e.creditCard = cc.toString();
    e.city = US_CITIES[(int) r.below(US_CITIES.length)];
    e.state = US_STATES[(int) r.below(US_STATES.length)];
    int size = 8 + e.name.length() + e.emailAddress.length() + e.creditCard.length() + e.city.length() + e.state.length();
    e.extra = nextExtra(size, AVG_PERSON_BYTES);
  }

  private void auction(Event e, long i, long ts) {
    e.event_type = 1;
    e.id = lastBase0AuctionId(i) + FIRST_AUCTION_ID;
    e.seller = (r.below(HOT_SELLERS_CHOICE) > 0 ? (lastBase0PersonId(i) / HOT_RATIO) * HOT_RATIO : nextBase0PersonId(i)) + FIRST_PERSON_ID;
    e.category = FIRST_CATEGORY_ID + r.below(NUM_CATEGORIES);
    e.initialBid = nextPrice();
    long horizon = timestamp(i + EVENTS_FOR_IN_FLIGHT_AUCTIONS) - ts;
    e.expires = ts + 1 + r.below(Math.max(horizon * 2, 1));
    e.itemName = nextString(20);
    e.description = nextString(100);
    e.reserve = e.initialBid + nextPrice();
    e.extra = nextExtra(48 + e.itemName.length() + e.description.length(), AVG_AUCTION_BYTES);
  }

  private void bid(Event e, long i) {
    e.event_type = 2;
    e.auction = (r.below(HOT_AUCTIONS_CHOICE) > 0 ? (lastBase0AuctionId(i) / HOT_RATIO) * HOT_RATIO : nextBase0AuctionId(i)) + FIRST_AUCTION_ID;
    e.bidder = (r.below(HOT_BIDDERS_CHOICE) > 0 ? (lastBase0PersonId(i) / HOT_RATIO) * HOT_RATIO + 1 : nextBase0PersonId(i)) + FIRST_PERSON_ID;
    e.price = nextPrice();
    if (r.below(HOT_CHANNELS_CHOICE) > 0) {
      int k = (int) r.below(HOT_CHANNELS.length);
      e.channel = HOT_CHANNELS[k];
      e.url = url(CHANNELS_NUMBER + k);
    } else {
      int n = (int) r.below(CHANNELS_NUMBER);
      e.channel = "channel-" + n;
      e.url = url(n);
    }
    e.extra = nextExtra(32, AVG_BID_BYTES);
  }

  private String url(int n) {
    String url = urls[n];
    if (url == null) {
      EventRandom u = new EventRandom().reset(seed ^ 0x5bd1e995, n);
      url = "https://www.nexmark.com/" + randomString(u, 5) + "/" + randomString(u, 5) + "/" + randomString(u, 5) + "/item.htm?query=1";
      if (n < CHANNELS_NUMBER) url += "&channel_id=" + n;
      urls[n] = url;
    }
    return url;
  }

  static long lastBase0PersonId(long i) {
    long epoch = i / TOTAL_PROPORTION;
    long offset = Math.min(i % TOTAL_PROPORTION, PERSON_PROPORTION - 1);
    return epoch * PERSON_PROPORTION + offset;
  }

  static long lastBase0AuctionId(long i) {
    long epoch = i / TOTAL_PROPORTION;
    long offset = i % TOTAL_PROPORTION;
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

  private long nextBase0PersonId(long i) {
    long numPeople = lastBase0PersonId(i) + 1;
    long active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
    return numPeople - active + r.below(active + PERSON_ID_LEAD);
  }

  private long nextBase0AuctionId(long i) {
    long max = lastBase0AuctionId(i);
    long min = Math.max(max - NUM_IN_FLIGHT_AUCTIONS, 0);
    return min + r.below(max - min + 1 + AUCTION_ID_LEAD);
  }

  /** Log-uniform between 1.00 and 1 000 000.00 in cents. StrictMath: fdlibm, as V8's Math.pow. */
  private long nextPrice() {
    return Math.round(StrictMath.pow(10.0, r.nextDouble() * 6.0) * 100.0);
  }

  private String nextString(int maxLength) {
    return randomString(r, (int) (3 + r.below(maxLength - 3)));
  }

  private String nextExtra(int size, int avg) {
    if (size > avg) return "";
    int want = avg - size;
    long delta = Math.round(want * 0.2);
    return randomString(r, (int) (want - delta + r.below(2 * delta + 1)));
  }

  private static String randomString(EventRandom r, int length) {
    char[] chars = new char[length];
    for (int k = 0; k < length; k += 4) {
      int bits = r.next();
      for (int b = 0; b < 4 && k + b < length; b++) {
        int octet = (bits >>> (8 * b)) & 0xff;
        chars[k + b] = octet < 20 ? ' ' : (char) (97 + octet % 26);
      }
    }
    return new String(chars);
  }
}
