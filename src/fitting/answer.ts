/**
 * Which approach answers (heads the Chinchilla table and the predictions), and why.
 *
 * The honest test of a law is what it predicts of budgets it has not seen (Choshen et al. 2024,
 * arXiv:2410.11840), so among the approaches the runs determine (determination.ts) the one
 * whose backtest erred least on the held-out budgets' N* and L* answers: score = mean ARE of
 * N* + mean ARE of L*. Without a backtest (fewer than 4 budgets, or --holdout 0) the order of
 * preference is 3 (the surface uses every run), 2 (every run of a budget), 1 (one run per
 * budget). When no approach is determined the same rule picks among the fitted ones, and the
 * verdict says the answer is undetermined. The choice is fragile when the same choice made
 * with the largest budget left out (its own fit, bootstrap and backtest: fit-scaling-laws.ts)
 * picks another approach.
 */
import type { Backtest } from "./backtest-schema.js";
import { formatScientific } from "./format-number.js";
import type { FitResult } from "./types.js";

type Approach = 1 | 2 | 3;

export interface Answer {
  approach: Approach | null;
  reason: string;
  /** True when one budget fewer changes the choice; null when that was not tested. */
  fragile: boolean | null;
}

const pct = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(2)}%`);

/** The fitted approaches, split into those the runs determine and the rest. */
function candidates(approaches: FitResult["approaches"]): { determined: Approach[]; fitted: Approach[] } {
  const fitted = ([3, 2, 1] as const).filter((k) => approaches[String(k) as "1" | "2" | "3"]?.status === "fitted");
  const determined = fitted.filter((k) => approaches[String(k) as "1" | "2" | "3"]?.determination?.determined === true);
  return { determined, fitted };
}

/** The pool member with the lowest backtest score, or null when none has one. */
function bestByBacktest(pool: readonly Approach[], backtest: Pick<Backtest, "scores"> | undefined): Approach | null {
  let best: { approach: Approach; score: number } | null = null;
  for (const s of backtest?.scores ?? []) {
    if (s.score === null || !pool.includes(s.approach)) continue;
    if (!best || s.score < best.score) best = { approach: s.approach, score: s.score };
  }
  return best?.approach ?? null;
}

function backtestFigures(backtest: Backtest, winner: Approach, pool: readonly Approach[], which: string): string {
  const score = (k: Approach) => backtest.scores?.find((s) => s.approach === k);
  const others = ([3, 2, 1] as const).filter((k) => k !== winner && score(k) !== undefined);
  const held = backtest.held_out_budgets.map((c) => formatScientific(c)).join(", ");
  const figures = (k: Approach) => `N* ${pct(score(k)!.n_opt_are)} and L* ${pct(score(k)!.loss_opt_are)} off`;
  const budgets = `the held-out budget${backtest.held_out_budgets.length === 1 ? "" : "s"} ${held}`;
  const rivals = others.filter((k) => pool.includes(k));
  const rest = others.filter((k) => !pool.includes(k));
  const head = rivals.length > 0
    ? `of the ${which} approaches it predicted ${budgets} best from the smaller ones: ${figures(winner)}, against ${rivals.map((k) => `approach ${k}'s ${figures(k)}`).join(", ")}`
    : `its backtest on ${budgets}: ${figures(winner)}`;
  return rest.length > 0 ? `${head} (${rest.map((k) => `approach ${k}, not in the running: ${figures(k)}`).join("; ")})` : head;
}

export interface AnswerEvidence {
  /** The backtest: chooses when given. */
  backtest?: Backtest;
  /** Why there is no backtest, in words. */
  noBacktest?: string;
}

/** Chooses the answering approach from the fitted approaches' determination and the backtest (fragility is the caller's: it refits). */
export function chooseAnswer(approaches: FitResult["approaches"], evidence: AnswerEvidence = {}): Answer {
  const { backtest } = evidence;
  const { determined, fitted } = candidates(approaches);
  if (fitted.length === 0) return { approach: null, reason: "no approach gave a law", fragile: null };
  const pool = determined.length > 0 ? determined : fitted;
  const notDetermined = fitted.filter((f) => !determined.includes(f)).sort();
  const status = determined.length > 0
    ? (k: Approach) => `approach ${k} is determined${notDetermined.length > 0 ? ` (approach${notDetermined.length === 1 ? "" : "es"} ${notDetermined.join(", ")} not)` : ""}`
    : (k: Approach) => `no approach is determined, so approach ${k} is shown undetermined`;
  const chosen = bestByBacktest(pool, backtest);
  if (chosen !== null && backtest) return { approach: chosen, reason: `${status(chosen)}; ${backtestFigures(backtest, chosen, pool, determined.length > 0 ? "determined" : "fitted")}`, fragile: null };
  const first = pool[0] as Approach;
  const why = backtest ? "no approach among them has backtest errors on both N* and L*" : (evidence.noBacktest ?? "no backtest");
  return { approach: first, reason: `${status(first)}; ${why}, so the order of preference 3, 2, 1 decides`, fragile: null };
}
