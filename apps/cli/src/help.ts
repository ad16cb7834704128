// --help texts, one per command.
import { ACTIVATION_NAMES, NORM_NAMES, OPTIMIZER_NAMES, PRESETS, PRESET_NAMES } from '@backprop/train';

/** A flag and its argument, padded to the help's description column (27). */
const flag = (text: string): string => (text.length < 26 ? text.padEnd(26) : `${text} `);

export const MAIN_HELP = `backprop — train the CIFAR-10 networks of the assignment on TensorFlow.js (WASM SIMD)

Usage: backprop <command> [options]

Commands:
  train <preset>         train a preset (${PRESET_NAMES.join(', ')}) and write a run folder
  gradcheck [module…]    gradient checks of the hand-derived modules and the LayerNorm versions
  data fetch|info|verify download CIFAR-10 into the cache, describe it, or check it
  experiment <name>      two claims about training, measured (activation, norm-batch-size)
  sweep <file>           hyperparameter search: trials in parallel here or as a Slurm job array
  serve [--data <file>]  serve the web app (COOP/COEP for WASM threads), optionally with an archive

Run 'backprop <command> --help' for a command's options.
`;

const presetLines = PRESET_NAMES.map((name) => {
  const p = PRESETS[name] as Record<string, unknown>;
  const parts = Object.entries(p).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  return `  ${name.padEnd(10)} ${parts.join(', ')}`;
}).join('\n');

export const TRAIN_HELP = `Usage: backprop train <preset> [options]
       backprop train --resume <run folder> [--max-steps N] [--eval-freq N]
       backprop train --from <run folder | sweep folder> [options]   (a run's config again, e.g. a sweep's best trial)

Trains on CIFAR-10 (mean image subtracted, pixels 0–255, seed 42) and writes a run folder:
config.json, metrics.csv, metrics.json, loss.svg, accuracy.svg, model.safetensors,
checkpoint.safetensors, summary.md. Ctrl-C, SIGTERM (kill, timeout) and SIGHUP stop after the
current step and keep a checkpoint and the curves (exit 130, 143, 129); a second one quits at once.
A folder is owned by one run (run.lock holds its pid): a folder in use is refused, and so is one
holding another run's record unless you --resume it or pass --force.

A step whose loss or updated parameters are NaN or ±Infinity ends the run there ("diverged at
step N"): summary.md and metrics say so, model.safetensors and checkpoint.safetensors stay those of
the last checkpoint before it (never a NaN model). Try a lower --learning-rate.

Exit codes: 0 completed, 1 error, 2 usage mistake, 3 diverged, 130 / 143 / 129 stopped by
Ctrl-C / SIGTERM / SIGHUP.

Presets (over the Part 1 defaults: model manual-mlp, hidden 100, elu, sgd, lr 1e-3,
1400 steps, batch 200, eval every 100):
${presetLines}

Options:
  --dnn-hidden-units LIST   hidden layer widths, e.g. 100,100 (MLPs)
  --learning-rate X         optimizer step size
  --max-steps N             training steps
  --batch-size N            examples per step
  --eval-freq N             evaluate the whole test set (and checkpoint) every N steps
  --eval-batch-size N       test examples per forward pass (memory only)
  --no-initial-eval         skip the step-0 evaluation of the untrained model
  ${flag(`--optimizer ${OPTIMIZER_NAMES.join('|')}`)}(manual-mlp: sgd only)
  ${flag(`--activation ${ACTIVATION_NAMES.join('|')}`)}hidden activation (MLPs)
  ${flag(`--norm ${NORM_NAMES.join('|')}`)}normalisation after each hidden activation (autograd MLP)
  --seed N                  weights and data order (default 42)
  --data PATH               cifar-10-binary.tar.gz, the python archive or an extracted folder
                            (default: the download cache, fetched on first use)
  --cache-dir DIR           download cache (default $BACKPROP_CACHE or ~/.cache/backprop)
  --out DIR                 run folder (default runs/<preset>-<date>-<time>)
  --resume DIR              continue the run in DIR from its checkpoint (checked: its checksum,
                            the data's SHA-256, --max-steps not below its step)
  --force                   overwrite another run's record in --out
  --threads N               WASM threads, at most 8 (default $BACKPROP_THREADS, else one per core);
                            results are identical for any count, only the speed changes
  -h, --help                this text
`;

export const GRADCHECK_HELP = `Usage: backprop gradcheck [module…] [--no-float32]

Runs the gradient checks of @backprop/manual (float64 numerical vs hand-derived gradients at the
original assignment's tolerances, and float32 tfjs vs float64 agreement) and of the LayerNorm
versions of @backprop/layers (autograd and custom-gradient, float32, vs the float64 derivation),
and prints one row per module and input/parameter. Exit code 1 if any check fails.

Arguments:
  module…        only modules whose name contains one of these words (case-insensitive),
                 e.g. 'backprop gradcheck linear layernorm'

Options:
  --seed N       seed of the random cases (default 42)
  --no-float32   skip the float32 (tfjs) rows
  -h, --help     this text
`;

export const DATA_HELP = `Usage: backprop data fetch|info|verify [options]

  fetch    download cifar-10-binary.tar.gz (official URL, MD5 checked) into the cache; a file
           already there is checked (size and MD5) and replaced if it is not the archive
  info     load the data and describe it: sizes, classes, per-class counts, channel means
  verify   load the data and check it: record counts, labels, class balance, and the file
           checksums against the official archive or Backprop's shared copy

Options:
  --data PATH       archive or folder to use instead of the cache (info, verify)
  --cache-dir DIR   download cache (default $BACKPROP_CACHE or ~/.cache/backprop)
  -h, --help        this text
`;

export const EXPERIMENT_HELP = `Usage: backprop experiment activation|norm-batch-size [options]

  activation        ELU vs Tanh in a 4-hidden-layer MLP (autograd, SGD): the gradient norm of
                    each layer's weights and the test accuracy over the steps
  norm-batch-size   BatchNorm vs LayerNorm vs none in the 2×100 MLP (Adam): test accuracy after
                    a fixed number of training examples, for batch sizes 1 to 512

Each writes a folder with a table (results.csv, summary.md) and its plot (SVG).

Options:
  --max-steps N     activation: training steps (default 1000)
  --batch-size N    activation: examples per step (default 200)
  --examples N      norm-batch-size: training examples per run (default 50000)
  --batch-sizes L   norm-batch-size: list (default 1,4,16,64,256,512)
  --seed N          (default 42)
  --data PATH, --cache-dir DIR, --out DIR, --threads N   as for train
  -h, --help        this text
`;

export const SERVE_HELP = `Usage: backprop serve [--data <archive>] [--port 5173] [--host 127.0.0.1]

Serves the built web app (apps/web/dist; run \`pnpm build\` first) with the Cross-Origin-Opener-Policy
and Cross-Origin-Embedder-Policy headers that WASM threads need. With --data, the page loads that
CIFAR-10 archive (binary or python .tar.gz) by itself.
`;

export const SWEEP_HELP = `Usage: backprop sweep <sweep file> [--out DIR] [--workers N] [--threads-per-trial N] [--data PATH]
       backprop sweep <sweep file> --slurm [--partition P] [--time T] [--cpus-per-task N] [--sbatch-line L]…
       backprop sweep --resume <sweep folder>
       backprop sweep status|collect <sweep folder>

Hyperparameter search: trains one ordinary run folder per trial (sweep folder/trials/trial-NNN) and
ranks them. The sweep file (YAML or JSON; keys are config.json's field names):

  name: mlp-search                  # folder name under sweeps/ (default sweep-<base>)
  base: mlp                         # the preset every trial starts from
  metric: best_accuracy             # or final_accuracy: what ranks the trials
  trials: 24                        # budget (default: the grid's size; required with random)
  seed: 1                           # seed of the random draws (each trial's own seed is 'seed' below)
  data: ../shared/data              # optional, relative to the sweep file (--data overrides)
  set:    { maxSteps: 1000, evalFreq: 250 }                 # fixed for every trial
  grid:   { optimizer: [sgd, adam], norm: [none, batch] }   # every combination (cycled)
  random:                                                   # drawn per trial, seeded
    learningRate: { logUniform: [1.0e-4, 1.0e-2] }          # also uniform, intUniform [low, high]
    hiddenUnits:  { choice: [[100], [200], [100, 100]] }

Options: hiddenUnits, activation, norm, optimizer, learningRate, maxSteps, batchSize, evalFreq,
evalAtStart, evalBatchSize, seed. Random draws are rounded to 3 significant digits.

Locally a pool of worker processes runs the trials, each 'backprop train' with --threads N
(default: one worker per core, 1 thread each, so the cores are not oversubscribed). Ctrl-C or
SIGTERM stops the running trials cleanly (each keeps a checkpoint); --resume continues them and
runs the rest. A trial that fails or diverges is recorded as such; the others go on.

With --slurm, the folder gets sweep.sbatch, a job array with one task per trial (each running
'backprop sweep trial <folder> <index>'), and sbatch submits it; the folder must be on a file system
the nodes share. 'sweep status' shows each trial's state, 'sweep collect' writes the results
wherever the trials ran.

Results: results.csv and summary.md (every trial's options, final and best test accuracy, ranked),
plots/*.svg (the metric vs each searched option, all trials' accuracy curves).
Rerun a trial (e.g. the best) as a new run: backprop train --from <sweep folder>/trials/<trial>.

Options:
  --out DIR                the sweep folder (default sweeps/<name>, made unique)
  --workers N              trials at once (default: cores / threads per trial)
  --threads-per-trial N    WASM threads of each trial (default 1)
  --data PATH, --cache-dir DIR   the data, as for train
  --dry-run                print the planned trials and stop
  --slurm                  submit a Slurm job array instead of running here
  --partition P, --time T, --cpus-per-task N (default 1), --sbatch-line '--mem=4G' (repeatable)
  -h, --help               this text
`;
