#!/usr/bin/env node
// Proves that the lint rules guarding the architecture really fire: it writes small probe files that
// break them (a domain lib importing infrastructure, contracts importing domain, an import cycle),
// plus one that keeps them, lints them with the project's own ESLint config, and removes them.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const probes = [
  {
    file: 'libs/domain/src/zz-boundary-probe.ts',
    code: "import { PostgresEventStore } from '@relais/event-store';\nexport const probe = PostgresEventStore.name;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    file: 'libs/contracts/src/zz-boundary-probe.ts',
    code: "import { transmissionDecider } from '@relais/domain';\nexport const probe = typeof transmissionDecider;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    file: 'libs/testing/src/zz-cycle-probe-a.ts',
    code: "import { b } from './zz-cycle-probe-b.js';\nexport const a = (): number => b() + 1;\n",
    expect: 'import-x/no-cycle',
  },
  {
    file: 'libs/testing/src/zz-cycle-probe-b.ts',
    code: "import { a } from './zz-cycle-probe-a.js';\nexport const b = (): number => a() - 1;\n",
    expect: 'import-x/no-cycle',
  },
  {
    file: 'libs/domain/src/zz-boundary-probe-allowed.ts',
    code: "import { eventSchemas } from '@relais/contracts';\nexport const probe = eventSchemas.length;\n",
    expect: null,
  },
];

// Outside an Nx command the module-boundary rule reads the cached project graph, and without one it
// skips itself with a mere warning: compute the graph first (a fresh clone has none).
const graph = spawnSync('npx', ['nx', 'show', 'projects'], { cwd: root, stdio: 'ignore', env: { ...process.env, NX_DAEMON: 'false' } });
if (graph.status !== 0) {
  console.error('could not compute the Nx project graph');
  process.exit(1);
}

let failures = 0;
try {
  for (const probe of probes) writeFileSync(join(root, probe.file), probe.code);
  const results = await new ESLint({ cwd: root }).lintFiles(probes.map((p) => p.file));
  for (const probe of probes) {
    const result = results.find((r) => r.filePath === join(root, probe.file));
    const rules = new Set((result?.messages ?? []).map((m) => m.ruleId));
    const watched = ['@nx/enforce-module-boundaries', 'import-x/no-cycle'];
    const ok = probe.expect ? rules.has(probe.expect) : !watched.some((rule) => rules.has(rule));
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${probe.file}: ${probe.expect ? `expected ${probe.expect}` : 'expected no boundary or cycle error'}; got ${[...rules].join(', ') || 'nothing'}`);
    if (!ok) failures++;
  }
} finally {
  for (const probe of probes) rmSync(join(root, probe.file), { force: true });
}
process.exit(failures === 0 ? 0 : 1);
