package dev.riffle.bench.nexmark;

/**
 * One Nexmark event, flat: persons (event_type 0), auctions (1) and bids (2) share one type, as
 * in the Nexmark table; fields of other kinds are null. A Flink POJO (public fields, no-arg
 * constructor) so the Table API maps its fields to columns.
 */
public class Event {
  public int event_type;
  // person; auctions reuse id
  public Long id;
  public String name;
  public String emailAddress;
  public String creditCard;
  public String city;
  public String state;
  // auction
  public String itemName;
  public String description;
  public Long initialBid;
  public Long reserve;
  public Long expires;
  public Long seller;
  public Long category;
  // bid
  public Long auction;
  public Long bidder;
  public Long price;
  public String channel;
  public String url;
  // all kinds; epoch milliseconds (the table's rowtime is derived from it)
  public long dateTimeMs;
  public String extra;

  public Event() {}

  /** The event's fields in Riffle's declaration order joined by '|': the line the generator hashes are over. */
  public String line() {
    switch (event_type) {
      case 0:
        return String.join("|", "0", id.toString(), name, emailAddress, creditCard, city, state, Long.toString(dateTimeMs), extra);
      case 1:
        return String.join("|", "1", id.toString(), itemName, description, initialBid.toString(), reserve.toString(),
            Long.toString(dateTimeMs), expires.toString(), seller.toString(), category.toString(), extra);
      default:
        return String.join("|", "2", auction.toString(), bidder.toString(), price.toString(), channel, url, Long.toString(dateTimeMs), extra);
    }
  }
}
