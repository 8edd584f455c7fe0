/** Model calls as a provider billed them: counted per branch attempt, per run and in the usage ledger. */
export interface CallUsage {
  model_calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
}
