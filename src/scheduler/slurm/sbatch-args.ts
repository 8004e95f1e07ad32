/** The sbatch command line of a pilot job array, from `scheduler.slurm` (pure; docs/slurm.md). */
import type { SlurmConfig } from "../../config/schema.js";

export interface PilotArray {
  /** Unique per sweep: squeue and scancel find the sweep's pilots by it. */
  jobName: string;
  /** Array indices (the pool's worker slots), e.g. [0, 1, 2] → --array=0,1,2. */
  indices: number[];
  /** Each element's output file; `%A` and `%a` are the array job and the index. */
  outputPattern: string;
  script: string;
}

export function sbatchArguments(slurm: SlurmConfig, pilots: PilotArray): string[] {
  const optional = (flag: string, value: string | undefined) => (value === undefined ? [] : [`--${flag}=${value}`]);
  return [
    "--parsable",
    `--job-name=${pilots.jobName}`,
    `--array=${pilots.indices.join(",")}`,
    `--output=${pilots.outputPattern}`,
    // A replacement pilot of the same slot adds to its log.
    "--open-mode=append",
    "--ntasks=1",
    `--cpus-per-task=${slurm.cpus_per_worker}`,
    ...(slurm.gpus_per_worker > 0 ? [`--gres=gpu:${slurm.gpus_per_worker}`] : []),
    ...optional("partition", slurm.partition),
    ...optional("time", slurm.time),
    ...optional("account", slurm.account),
    ...optional("qos", slurm.qos),
    ...optional("constraint", slurm.constraint),
    // The batch shell is the worker (exec): warn it before the time limit so it checkpoints.
    `--signal=B:USR1@${slurm.signal_before_s}`,
    // flops-fit submits replacements itself; a requeued pilot would be a second copy.
    "--no-requeue",
    ...slurm.extra_args,
    pilots.script,
  ];
}
