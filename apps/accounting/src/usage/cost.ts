export interface Prices {
  inputPricePerMTok: number | null;
  outputPricePerMTok: number | null;
}

/** Dollars for one request; unknown prices count as free. */
export function costUsd(promptTokens: number, completionTokens: number, prices: Prices | undefined): number {
  if (!prices) return 0;
  return (promptTokens * (prices.inputPricePerMTok ?? 0) + completionTokens * (prices.outputPricePerMTok ?? 0)) / 1_000_000;
}

/** numeric(20,10) text, so Postgres stores exactly what was computed. */
export function moneyText(value: number): string {
  return value.toFixed(10);
}
