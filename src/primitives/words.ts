/**
 * A list of names written as one text, split at white space: long tables of names cost the provider's bundle a
 * line and an indent per name when written as array literals, which webpack ships unminified.
 */
export const words = (text: string): string[] => text.trim().split(/\s+/);
