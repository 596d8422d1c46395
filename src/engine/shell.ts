/** POSIX single-quoting: the result is one shell word whatever `value` holds. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
