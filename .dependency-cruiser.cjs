/**
 * The architecture's import rules (docs/ARCHITECTURE.md), checked by `npm run lint:deps` in CI.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const IO = '^(fs|node:fs|fs/promises|node:fs/promises|net|node:net|http|node:http|child_process|node:child_process|mqtt|serialport|@serialport/.*|typeorm|better-sqlite3|pg|onnxruntime-node|aedes)$';
const libraries = '^(planners|drivers|instruments|simulations|config|vision)/';
// Tests may wire folders together (a driver against a twin); the rules are about shipped code.
const specs = '\\.spec\\.ts$';

module.exports = {
  forbidden: [
    { name: 'planners-are-pure', severity: 'error', comment: 'planners/ is a pure library: no other project folder, no IO, no Nest',
      from: { path: '^planners/', pathNot: specs },
      to: { pathNot: '^planners/', dependencyTypesNot: ['type-only'], path: `(^(apps|drivers|instruments|simulations|config)/)|${IO}|^@nestjs/` } },
    { name: 'libraries-do-not-import-apps', severity: 'error', from: { path: libraries, pathNot: specs }, to: { path: '^apps/' } },
    { name: 'instruments-know-drivers-only-through-the-link', severity: 'error',
      comment: 'instruments/ talks to transports through drivers/, never to mqtt or serialport directly',
      from: { path: '^instruments/', pathNot: specs }, to: { path: '^(mqtt|serialport|@serialport/.*)$' } },
    { name: 'twins-are-written-from-the-protocol', severity: 'error',
      comment: 'simulations/ implements the device side from docs/protocol.md, sharing no code with the orchestrator side',
      from: { path: '^simulations/', pathNot: specs }, to: { path: '^(apps|drivers|instruments|planners|config)/' } },
    { name: 'config-is-data-and-schema', severity: 'error', from: { path: '^config/', pathNot: specs }, to: { path: '^(apps|drivers|instruments|planners|simulations)/' } },
    { name: 'vision-is-a-pure-library', severity: 'error', comment: 'vision/ decodes and analyses images; inference (onnxruntime) lives in apps/',
      from: { path: '^vision/', pathNot: specs }, to: { path: '^(apps|drivers|instruments|planners|simulations|config)/' } },
    { name: 'drivers-know-no-devices', severity: 'error', from: { path: '^drivers/', pathNot: specs }, to: { path: '^(apps|instruments|planners|simulations|config)/' } },
    { name: 'orm-and-inference-only-in-apps', severity: 'error', from: { path: libraries, pathNot: specs }, to: { path: '^(typeorm|onnxruntime-node)$' } },
    { name: 'nest-only-in-apps-or-module-files', severity: 'error', from: { path: libraries, pathNot: [specs, '\\.module\\.ts$'] }, to: { path: '^@nestjs/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|node_modules)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
  },
};
