package dev.riffle.bench.nexmark;

import java.util.Map;

/**
 * The Nexmark queries in Flink SQL, as the Nexmark suite writes them for Flink, over the views
 * `bid`, `auction` and `person` that {@link NexmarkFlink} registers. Riffle's versions are the job
 * specs in bench/nexmark/q*.json; both must give the same rows (bench:nexmark hashes them).
 */
final class Queries {
  private Queries() {}

  /** Queries whose result is updated as input arrives (a changelog, not append-only rows). */
  static final java.util.Set<String> UPDATING = java.util.Set.of("q4");

  static final Map<String, String> SQL = Map.of(
      "q0", "SELECT auction, bidder, price, `dateTime`, extra FROM bid",
      "q1", "SELECT auction, bidder, 0.908 * price AS price, `dateTime`, extra FROM bid",
      "q2", "SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0",
      "q3", String.join("\n",
          "SELECT P.name, P.city, P.state, A.id",
          "FROM auction AS A INNER JOIN person AS P ON A.seller = P.id",
          "WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')"),
      "q4", String.join("\n",
          "SELECT Q.category, AVG(Q.final) AS avg_final FROM (",
          "  SELECT MAX(B.price) AS final, A.category",
          "  FROM auction A, bid B",
          "  WHERE A.id = B.auction AND B.`dateTime` BETWEEN A.`dateTime` AND A.expires",
          "  GROUP BY A.id, A.category",
          ") Q GROUP BY Q.category"),
      "q5", String.join("\n",
          "SELECT AuctionBids.auction, AuctionBids.num FROM (",
          "  SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime",
          "  FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))",
          "  GROUP BY auction, window_start, window_end",
          ") AS AuctionBids JOIN (",
          "  SELECT max(CountBids.num) AS maxn, CountBids.starttime, CountBids.endtime FROM (",
          "    SELECT count(*) AS num, window_start AS starttime, window_end AS endtime",
          "    FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND))",
          "    GROUP BY auction, window_start, window_end",
          "  ) AS CountBids GROUP BY CountBids.starttime, CountBids.endtime",
          ") AS MaxBids",
          "ON AuctionBids.starttime = MaxBids.starttime AND AuctionBids.endtime = MaxBids.endtime",
          "AND AuctionBids.num >= MaxBids.maxn"),
      "q7", String.join("\n",
          "SELECT B.auction, B.bidder, B.price, B.`dateTime`, B.extra FROM bid B JOIN (",
          "  SELECT MAX(price) AS maxprice, window_end AS `dateTime`",
          "  FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))",
          "  GROUP BY window_start, window_end",
          ") B1 ON B.price = B1.maxprice",
          "WHERE B.`dateTime` BETWEEN B1.`dateTime` - INTERVAL '10' SECOND AND B1.`dateTime`"),
      "q8", String.join("\n",
          "SELECT P.id, P.name, P.starttime FROM (",
          "  SELECT id, name, window_start AS starttime, window_end AS endtime",
          "  FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))",
          "  GROUP BY id, name, window_start, window_end",
          ") P JOIN (",
          "  SELECT seller, window_start AS starttime, window_end AS endtime",
          "  FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))",
          "  GROUP BY seller, window_start, window_end",
          ") A ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime"));
}
