/** A table header row; a column named `#n` is numeric (right-aligned), `''` is an unlabelled one. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          c.startsWith('#') ? (
            <th key={i} className="num">
              {c.slice(1)}
            </th>
          ) : (
            <th key={i}>{c}</th>
          ),
        )}
      </tr>
    </thead>
  );
}
