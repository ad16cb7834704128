#!/usr/bin/env bash
# Plants the six known gradient/optimizer bugs of issue 16 (plus the conv one again on the Winograd
# path, which 3×3 stride-1 convs take since the engine) one at a time (in the working tree, restored after each),
# runs the tests that should catch each — the module's own package tests and the trainer-level tests
# (packages/train: preset-steps.test.ts, trainer.test.ts, node/run-training.test.ts) — and prints caught/missed per level.
# Not part of `pnpm test` (several minutes). Usage: bash scripts/mutation-check.sh [bug number…]
set -u
cd "$(dirname "$0")/.."
if ! git diff --quiet; then echo "mutation-check: the working tree has changes; commit or stash them first" >&2; exit 2; fi
TRAINER_TESTS=(src/preset-steps.test.ts src/trainer.test.ts src/node/run-training.test.ts)

# name | file | perl substitution | package | its test files
BUGS=(
  "negated Linear bias gradient|packages/manual/src/linear.ts|s/ops\.assign\(this\.grads\.bias, ops\.sum\(dout, 0\)\)/ops.assign(this.grads.bias, ops.neg(ops.sum(dout, 0)))/|@backprop/manual|src/modules.test.ts src/grad-check.test.ts src/torch-fixtures.test.ts src/mlp.test.ts"
  "flipped LayerNorm backward sign|packages/manual/src/layer-norm-functions.ts|s/const dx = ops\.mul\((.*), invStd\);/const dx = ops.neg(ops.mul(\1, invStd));/|@backprop/manual|src/layer-norm.test.ts src/grad-check.test.ts src/torch-fixtures.test.ts"
  "flipped BatchNorm backward sign|packages/layers/src/batch-norm.ts|s/const dx = tf\.mul\((.*), k\);/const dx = tf.neg(tf.mul(\1, k));/|@backprop/layers|src/batch-norm.test.ts src/torch-parity.test.ts"
  "unflipped conv input-gradient filter|packages/tensor/src/kernels/conv2d-backprop-input.ts|s/\(taps - 1 - t\) \* block\)/t * block)/|@backprop/tensor|src/kernels/kernels.test.ts"
  "unflipped conv input-gradient filter, Winograd path (3×3 stride-1 'same' convs: the cnn preset's blocks)|packages/tensor/src/kernels/winograd.ts|s/transformedFilter\(engine, backend, filter, variant, true\)/transformedFilter(engine, backend, filter, variant, false)/|@backprop/tensor|src/kernels/winograd.test.ts"
  "flipped BatchNorm backward sign in the engine's fused kernel (what training on WASM runs)|packages/tensor/assembly/batch-norm.ts|s/v128\.store\(dx \+ off, f32x4\.mul\(t, k\)\);/v128.store(dx + off, f32x4.neg(f32x4.mul(t, k)));/|@backprop/tensor|src/engine/engine.test.ts"
  "SGD sign (manual SGD)|packages/manual/src/sgd.ts|s/ops\.sub\(param, ops\.mul\(grad, this\.lr\)\)/ops.add(param, ops.mul(grad, this.lr))/|@backprop/manual|src/modules.test.ts src/mlp.test.ts"
  "Adam m/v swapped on load|packages/layers/src/optimizer-state.ts|s/entry\[m\[2\]!\] = t;/entry[({ exp_avg: 'exp_avg_sq', exp_avg_sq: 'exp_avg' } as Record<string, string>)[m[2]!] ?? m[2]!] = t;/|@backprop/layers|src/optimizer.test.ts src/optim-torch.test.ts"
)

run_tests() { # package, files… → prints failing test names, returns 0 if all passed
  local pkg=$1; shift
  local log; log=$(mktemp)
  pnpm --filter "$pkg" exec vitest run "$@" >"$log" 2>&1
  local rc=$?
  grep -E '^ +(×|✗) |FAIL ' "$log" | sed -E 's/^ +//' | sort -u | head -8 | sed 's/^/      /'
  rm -f "$log"
  return $rc
}

selected=("$@")
for i in "${!BUGS[@]}"; do
  n=$((i + 1))
  if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " =~ " $n " ]]; then continue; fi
  IFS='|' read -r name file subst pkg files <<<"${BUGS[$i]}"
  perl -0pi -e "$subst" "$file"
  if git diff --quiet -- "$file"; then echo "bug $n ($name): the substitution did not apply to $file — update this script"; continue; fi
  trap 'git checkout -- "$file"; rebuild' EXIT
  trap 'git checkout -- "$file"; rebuild; exit 130' INT TERM
  echo "bug $n: $name ($file)"
  # The engine's AssemblyScript is compiled into the package's embedded binaries: rebuild after planting.
  rebuild() { case "$file" in packages/tensor/assembly/*) node packages/tensor/scripts/build-engine.mjs >/dev/null ;; esac; }
  rebuild
  # shellcheck disable=SC2086
  if run_tests "$pkg" $files; then echo "   package tests ($pkg): MISSED"; else echo "   package tests ($pkg): caught"; fi
  if run_tests @backprop/train "${TRAINER_TESTS[@]}"; then echo "   trainer-level tests: MISSED"; else echo "   trainer-level tests: caught"; fi
  git checkout -- "$file"
  rebuild
  trap - EXIT INT TERM
done
