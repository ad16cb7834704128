// The machine a run was measured on: CPU, cores, memory, OS, Node and the Python peers' versions.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PYTHON, pythonEnv } from './worker-client.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  python: string;
  numpy: string;
  torch: string;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return `${pretty ?? os.type()}, Linux ${os.release()}`;
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

function pythonVersions(): Pick<Machine, 'python' | 'numpy' | 'torch'> {
  const script = 'import json, platform\nout = {"python": platform.python_version()}\n' +
    'for m in ("numpy", "torch"):\n    try:\n        out[m] = __import__(m).__version__\n    except Exception as e:\n        out[m] = "missing (%s)" % type(e).__name__\nprint(json.dumps(out))';
  try {
    return JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8', env: pythonEnv() }).trim()) as Pick<Machine, 'python' | 'numpy' | 'torch'>;
  } catch (e) {
    const missing = `missing (${PYTHON}: ${(e as Error).message.split('\n')[0]})`;
    return { python: missing, numpy: missing, torch: missing };
  }
}

export function describeMachine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: osName(),
    node: process.version,
    ...pythonVersions(),
  };
}
