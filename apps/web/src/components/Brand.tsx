/** The Riffle mark and name, first in every header. */
export function Brand() {
  return (
    <div className="brand">
      <span className="brand__mark" aria-hidden>
        ≋
      </span>
      Riffle
    </div>
  );
}
