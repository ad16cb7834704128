#!/usr/bin/env bash
# The Slurm must-show of `backprop sweep`: starts a real single-node Slurm on localhost
# (scripts/slurm-local.sh: installs slurmctld, slurmd, slurm-client and munge from Debian if
# missing; needs root), submits a 4-trial sweep as a job array, collects it, and checks that the
# same sweep run locally gives the same table. Not part of `pnpm test` (root, apt, daemons).
# Run after `bash scripts/setup.sh` (it needs the built CLI). Stop Slurm afterwards with
# `bash scripts/slurm-local.sh stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKPROP_SLURM_TEST=1 pnpm --filter @backprop/cli exec vitest run src/sweep-slurm.test.ts
