/**
 * A PostgreSQL array literal for one bound parameter, e.g. `{"a","b"}`, to use as `?::uuid[]`.
 * Knex splices a JavaScript array into raw SQL as a comma list, which is not an array.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
