/**
 * The version of the fitting methods. It goes into fit.json's request key, so a stored fit
 * made by methods that have since changed is fitted again instead of being reused by a
 * no-op resume. Bump it whenever a change alters what a fit returns for the same runs.
 *
 * 2: Approaches 1 and 2 fit L*(C) = E + k·C^(−γ) (docs/fitting.md, "The law of L*(C)").
 * 3: compute is measured FLOPs or exactly 6·N·D, never a budget label; the determination test;
 *    the answer chosen by the backtest (docs/fitting.md). fit.json gains `determined`, `determination`,
 *    `compute`, `backtest.scores`; approach 3's `allocation` and `checks` change.
 */
export const FITTER_VERSION = 3;
