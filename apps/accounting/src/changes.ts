/**
 * An update request's fields as column changes: a field left out (undefined) stays as it is, a null
 * clears it. Shared by the key and team handlers and the CLI that builds their requests.
 */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** A money amount as the numeric column takes it, keeping "left out" (undefined) apart from "cleared" (null). */
export function moneyChange(value: number | null | undefined): string | null | undefined {
  return value === undefined ? undefined : value === null ? null : String(value);
}
